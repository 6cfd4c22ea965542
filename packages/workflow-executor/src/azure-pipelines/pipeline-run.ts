/**
 * Runs an Azure Pipelines YAML file for a queued reason as Azure Pipelines and its agent would: the trigger
 * decides, stages and jobs run in `dependsOn` order (one at a time), each with its `condition:` (default
 * `succeeded()` of what it depends on), and every step runs for real.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  azureFunctions,
  azureStatusFunctions,
  evaluateAzureCondition,
} from '../expressions/azure-expressions.js';
import type { Scope } from '../expressions/evaluate.js';
import type { Value } from '../expressions/values.js';
import { stepKind } from './job-run.js';
import { runAgentJob } from './job-run.js';
import type { AzurePipelineOptions } from './options.js';
import { readPipeline, type Pipeline, type PipelineStage } from './pipeline-file.js';
import { PipelineRefusedError } from './pipeline-errors.js';
import type { AzureJobResult, AzureResult, PipelineRunResult } from './results.js';
import { findTask, taskCatalog, type CatalogTask } from './task-catalog.js';
import { decidePipelineTrigger } from './triggers.js';

/** The predefined variables of the run (`Build.*`, `System.*`, `Agent.*`). */
function predefinedVariables(options: AzurePipelineOptions): Record<string, string> {
  const { trigger } = options;
  const branch = trigger.pullRequest
    ? `refs/pull/${trigger.pullRequest.id}/merge`
    : (trigger.branch ?? 'refs/heads/main');
  const variables: Record<string, string> = {
    'Build.Reason': trigger.reason,
    'Build.SourceBranch': branch,
    'Build.SourceBranchName': branch.split('/').pop() ?? branch,
    'Build.SourceVersion': trigger.commit ?? '0000000000000000000000000000000000000000',
    'Build.BuildId': String(options.buildId ?? 1),
    'Build.BuildNumber': String(options.buildId ?? 1),
    'Build.Repository.Name': options.repositoryName ?? 'azpn/infra',
    'Build.Repository.Provider': options.repository === 'github' ? 'GitHub' : 'TfsGit',
    ...(options.repositoryId ? { 'Build.Repository.ID': options.repositoryId } : {}),
    'Build.SourcesDirectory': options.workspace,
    'System.DefaultWorkingDirectory': options.workspace,
    ...(options.organization
      ? {
          'System.CollectionUri': options.organization.collectionUri,
          'System.TeamFoundationCollectionUri': options.organization.collectionUri,
          'System.TeamProject': options.organization.project,
          'System.TeamProjectId': options.organization.projectId,
        }
      : {}),
    'Agent.OS': 'Linux',
    TF_BUILD: 'True',
  };
  if (trigger.pullRequest) {
    Object.assign(variables, {
      'System.PullRequest.PullRequestId': String(trigger.pullRequest.id),
      'System.PullRequest.PullRequestNumber': String(trigger.pullRequest.id),
      'System.PullRequest.SourceBranch': trigger.pullRequest.sourceBranch,
      'System.PullRequest.TargetBranch': trigger.pullRequest.targetBranch,
      'System.PullRequest.IsFork': trigger.pullRequest.isFork ? 'True' : 'False',
      ...(trigger.pullRequest.sourceCommit
        ? { 'System.PullRequest.SourceCommitId': trigger.pullRequest.sourceCommit }
        : {}),
    });
  }
  return variables;
}

/** Refuses, before anything runs, a step or task the executor would not run as the agent does. */
function checkSteps(pipeline: Pipeline, catalog: Map<string, CatalogTask>): void {
  for (const stage of pipeline.stages) {
    for (const job of stage.jobs) {
      for (const [index, step] of job.steps.entries()) {
        const where = `${pipeline.path}: job ${job.name} step ${index}`;
        if (stepKind(step, where) === 'task') findTask(catalog, String(step.task), where);
      }
    }
  }
}

function order<T extends { name: string; dependsOn: string[] }>(items: T[], what: string): T[] {
  const byName = new Map(items.map((i) => [i.name, i]));
  const done = new Set<string>();
  const result: T[] = [];
  const visit = (item: T, chain: string[]) => {
    if (done.has(item.name)) return;
    if (chain.includes(item.name))
      throw new PipelineRefusedError(
        `${what}s depend on each other in a cycle (${[...chain, item.name].join(' → ')}).`,
      );
    for (const need of item.dependsOn) {
      const dependency = byName.get(need);
      if (!dependency)
        throw new PipelineRefusedError(`${what} ${item.name} depends on ${need}, which does not exist.`);
      visit(dependency, [...chain, item.name]);
    }
    done.add(item.name);
    result.push(item);
  };
  for (const item of items) visit(item, []);
  return result;
}

function dependencyScope(
  where: string,
  dependsOn: string[],
  results: Map<string, { result: AzureResult; outputs: Record<string, string> }>,
  variables: Record<string, Value>,
  cancelled: () => boolean,
): Scope {
  const dependencies = Object.fromEntries(
    dependsOn.map((n) => [
      n,
      { result: results.get(n)?.result ?? 'Skipped', outputs: results.get(n)?.outputs ?? {} },
    ]),
  );
  return {
    where,
    contexts: { dependencies, variables },
    functions: {
      ...azureFunctions,
      ...azureStatusFunctions({
        results: (names) =>
          (names.length ? names : dependsOn).map((n) => results.get(n)?.result ?? 'Skipped'),
        cancelled,
      }),
    },
  };
}

function overall(results: AzureResult[]): AzureResult {
  if (results.includes('Canceled')) return 'Canceled';
  if (results.includes('Failed')) return 'Failed';
  if (results.length && results.every((r) => r === 'Skipped')) return 'Skipped';
  return results.includes('SucceededWithIssues') ? 'SucceededWithIssues' : 'Succeeded';
}

function skipped(
  stage: string,
  name: string,
  reason: string,
  result: AzureResult = 'Skipped',
): AzureJobResult {
  return {
    stage,
    name,
    displayName: name,
    result,
    reason,
    steps: [],
    postSteps: [],
    outputs: {},
    summary: '',
    log: '',
  };
}

type Outcome = { result: AzureResult; outputs: Record<string, string> };

interface RunContext {
  options: AzurePipelineOptions;
  pipeline: Pipeline;
  catalog: Map<string, CatalogTask>;
  runDir: string;
  predefined: Record<string, string>;
  cancelled: () => boolean;
}

/** Runs one stage's jobs in dependsOn order, each with its condition. */
async function runStageJobs(context: RunContext, stage: PipelineStage): Promise<AzureJobResult[]> {
  const variables = { ...context.predefined, ...context.options.variables };
  const outcomes = new Map<string, Outcome>();
  const jobs: AzureJobResult[] = [];
  for (const job of order(stage.jobs, 'Job')) {
    const scope = dependencyScope(
      `job ${job.name} condition`,
      job.dependsOn,
      outcomes,
      variables,
      context.cancelled,
    );
    const result = evaluateAzureCondition(job.condition, scope)
      ? await runAgentJob({ ...context, stage }, job)
      : context.cancelled()
        ? skipped(stage.name, job.name, 'the run was canceled', 'Canceled')
        : skipped(stage.name, job.name, 'its condition is false');
    outcomes.set(job.name, { result: result.result, outputs: result.outputs });
    jobs.push(result);
  }
  return jobs;
}

/** Runs the stages in dependsOn order, each with its condition. */
async function runStages(context: RunContext): Promise<PipelineRunResult['stages']> {
  const variables = { ...context.predefined, ...context.options.variables };
  const outcomes = new Map<string, Outcome>();
  const stages: PipelineRunResult['stages'] = [];
  for (const stage of order(context.pipeline.stages, 'Stage')) {
    const scope = dependencyScope(
      `stage ${stage.name} condition`,
      stage.dependsOn,
      outcomes,
      variables,
      context.cancelled,
    );
    const jobs = evaluateAzureCondition(stage.condition, scope)
      ? await runStageJobs(context, stage)
      : stage.jobs.map((j) => skipped(stage.name, j.name, 'the stage condition is false'));
    const outputs = Object.fromEntries(
      jobs.flatMap((j) => Object.entries(j.outputs).map(([k, v]) => [`${j.name}.${k}`, v])),
    );
    const result = overall(jobs.map((j) => j.result));
    outcomes.set(stage.name, { result, outputs });
    stages.push({ name: stage.name, result, jobs });
  }
  return stages;
}

/** Runs the pipeline for the trigger and answers what every stage, job and step did. */
export async function runAzurePipeline(options: AzurePipelineOptions): Promise<PipelineRunResult> {
  const predefined = predefinedVariables(options);
  const pipeline = readPipeline(options.pipeline, options.parameters ?? {}, predefined);
  const catalog = taskCatalog(options.workspace);
  checkSteps(pipeline, catalog);
  const decision = decidePipelineTrigger(pipeline, options);
  const cancelled = () => options.signal?.aborted === true;
  const stages = decision.triggered
    ? await runStages({
        options,
        pipeline,
        catalog,
        runDir: mkdtempSync(join(tmpdir(), 'azpn-pipeline-')),
        predefined,
        cancelled,
      })
    : [];
  const all = stages.flatMap((s) => s.jobs);
  return {
    pipeline: options.pipeline,
    triggered: decision.triggered,
    reason: decision.reason,
    result: decision.triggered ? overall(stages.map((s) => s.result)) : 'Skipped',
    parameters: pipeline.parameters,
    stages,
    job(name: string, stage?: string): AzureJobResult {
      const found = all.find((j) => j.name === name && (stage === undefined || j.stage === stage));
      if (!found) {
        const known = all.map((j) => `${j.stage}.${j.name}`).join(', ');
        throw new Error(`The run has no job ${name}${stage ? ` in stage ${stage}` : ''} (jobs: ${known}).`);
      }
      return found;
    },
  };
}
