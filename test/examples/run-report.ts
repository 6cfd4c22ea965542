import type { JobResult, WorkflowRunResult } from '@azpn/workflow-executor';

/** Every step of a job with its outcome, errors and the end of its log: what a failing assertion should show. */
export function describeJob(job: JobResult): string {
  return [...job.steps, ...job.postSteps]
    .map(
      (s) =>
        `${s.stage} ${s.name}: ${s.outcome}${s.errors.length ? ` (${s.errors.join(' ')})` : ''}\n${s.log.slice(-1500)}`,
    )
    .join('\n');
}

/** Fails with the run's steps and logs unless the run concluded as expected. */
export function expectConclusion(run: WorkflowRunResult, conclusion: WorkflowRunResult['conclusion']): void {
  if (run.conclusion === conclusion) return;
  const jobs = run.jobs
    .map((j) => `job ${j.name}: ${j.result} ${j.reason ?? ''}\n${describeJob(j)}`)
    .join('\n');
  throw new Error(`${run.workflow} concluded ${run.conclusion}, not ${conclusion} (${run.reason}):\n${jobs}`);
}
