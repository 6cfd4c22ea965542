/**
 * Whether a queued reason starts the pipeline: `trigger:` for CI (absent means every branch, `none` nothing),
 * `pr:` for pull requests on GitHub repositories (Azure Repos takes pull-request builds from branch policies and
 * ignores `pr:`), `schedules:` for scheduled runs; a manual run always runs.
 */
import type { AzurePipelineOptions } from './options.js';
import type { Pipeline } from './pipeline-file.js';

/** The decision, with the reason in words. */
export interface PipelineTriggerDecision {
  triggered: boolean;
  reason: string;
}

function branchPattern(pattern: string): RegExp {
  const bare = pattern.replace(/^refs\/heads\//, '');
  return new RegExp(`^${bare.replace(/[.+^$(){}|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function matches(branch: string, patterns: unknown): boolean {
  return ([] as string[])
    .concat((patterns ?? []) as string[])
    .some((p) => branchPattern(String(p)).test(branch));
}

/** A `trigger:`/`pr:` value: none, a list of branches, or `branches: { include, exclude }` (and paths). */
function branchFilterPasses(setting: unknown, branch: string, changedFiles: string[] | undefined): boolean {
  if (setting === undefined || setting === null) return true;
  if (setting === 'none') return false;
  if (Array.isArray(setting)) return matches(branch, setting);
  const filters = setting as {
    branches?: { include?: string[]; exclude?: string[] };
    paths?: { include?: string[]; exclude?: string[] };
  };
  const include = filters.branches?.include;
  if (include && !matches(branch, include)) return false;
  if (filters.branches?.exclude && matches(branch, filters.branches.exclude)) return false;
  if (filters.paths) {
    if (!changedFiles) throw new Error('The pipeline filters by paths: give the trigger its changedFiles.');
    const paths = filters.paths;
    const relevant = changedFiles.filter(
      (f) =>
        (!paths.include ||
          matches(
            f,
            paths.include.map((p) => `${p}*`),
          )) &&
        !(
          paths.exclude &&
          matches(
            f,
            paths.exclude.map((p) => `${p}*`),
          )
        ),
    );
    if (relevant.length === 0) return false;
  }
  return true;
}

/** Decides whether the pipeline runs for the trigger. */
export function decidePipelineTrigger(
  pipeline: Pipeline,
  options: AzurePipelineOptions,
): PipelineTriggerDecision {
  const { trigger } = options;
  const branch = (trigger.pullRequest?.targetBranch ?? trigger.branch ?? 'refs/heads/main').replace(
    /^refs\/heads\//,
    '',
  );
  switch (trigger.reason) {
    case 'Manual':
      return { triggered: true, reason: 'Manual' };
    case 'IndividualCI':
    case 'BatchedCI':
      return branchFilterPasses(pipeline.trigger, branch, trigger.changedFiles)
        ? { triggered: true, reason: `${trigger.reason} on ${branch}` }
        : { triggered: false, reason: `trigger: does not include ${branch}` };
    case 'PullRequest':
      if ((options.repository ?? 'azure-repos') === 'azure-repos')
        return { triggered: true, reason: `PullRequest into ${branch} (branch policy)` };
      return branchFilterPasses(pipeline.pr, branch, trigger.changedFiles)
        ? { triggered: true, reason: `PullRequest into ${branch}` }
        : { triggered: false, reason: `pr: does not include ${branch}` };
    case 'Schedule': {
      const schedule = pipeline.schedules.find((s) => s.cron === trigger.cron);
      if (!schedule) return { triggered: false, reason: `no schedule has cron "${trigger.cron ?? ''}"` };
      const include = schedule.branches?.include;
      const ok =
        (!include || matches(branch, include)) &&
        !(schedule.branches?.exclude && matches(branch, schedule.branches.exclude));
      return ok
        ? { triggered: true, reason: `Schedule ${schedule.cron}` }
        : { triggered: false, reason: `the schedule does not include ${branch}` };
    }
  }
}
