/**
 * One Azure Pipelines job on an agent: its variables (predefined, pipeline settings, then the YAML's pipeline,
 * stage and job sections), each step's `condition:` (default `succeeded()`), `continueOnError`, `enabled`, and at
 * the end the post-job runs of the tasks that declare one, in reverse order, whatever happened (always()).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateAzureCondition } from '../expressions/azure-expressions.js';
import { toValue, truthy } from '../expressions/values.js';
import { cancelChild, endProcessGroups } from '../shell-process.js';
import { agentMasked, stepConditionScope, worsen, type AgentJob } from './agent-job.js';
import type { AzurePipelineOptions } from './options.js';
import type { Pipeline, PipelineJob, PipelineStage, PipelineStep } from './pipeline-file.js';
import { PipelineRefusedError } from './pipeline-errors.js';
import type { AzureJobResult, AzureResult, AzureStepResult } from './results.js';
import { runScriptStep } from './script-step.js';
import { findTask, type CatalogTask } from './task-catalog.js';
import { runTask, type TaskRun } from './task-step.js';
import { addYamlVariables, VariableSet } from './variables.js';

/** What kind of step this is, or a refusal naming it. */
export function stepKind(step: PipelineStep, where: string): AzureStepResult['kind'] {
  if (step.task !== undefined) return 'task';
  if (step.script !== undefined || step.bash !== undefined) return 'script';
  if (step.checkout !== undefined) return 'checkout';
  const key = Object.keys(step)[0] ?? '(empty)';
  throw new PipelineRefusedError(
    `${where} is a ${key}: step, which the executor does not run: use task:, script: or bash:.`,
  );
}

function displayName(step: PipelineStep, job: AgentJob): string {
  if (step.displayName) return job.variables.expand(step.displayName);
  if (step.task) return step.task;
  if (step.checkout) return `Checkout ${step.checkout}`;
  return `${step.script !== undefined ? 'CmdLine' : 'Bash'}: ${String(step.script ?? step.bash).split('\n')[0]}`;
}

async function runStep(job: AgentJob, step: PipelineStep, index: number, taskRuns: TaskRun[]): Promise<void> {
  const where = `job ${job.name} step ${index}`;
  const kind = stepKind(step, where);
  const result: AzureStepResult = {
    index,
    ...(step.name ? { name: step.name } : {}),
    displayName: displayName(step, job),
    kind,
    stage: 'main',
    ...(step.task ? { task: step.task } : {}),
    result: 'Skipped',
    outputs: {},
    summaries: [],
    log: '',
    errors: [],
    warnings: [],
  };
  job.results.push(result);
  const task: CatalogTask | undefined =
    kind === 'task' ? findTask(job.catalog, String(step.task), where) : undefined;
  const taskRun = task ? { task, step, result, taskVariables: {} } : undefined;
  // The agent queues the post-job run of every task that declares one when the job starts.
  if (taskRun && task!.manifest.postjobexecution) taskRuns.push(taskRun);
  if (!evaluateAzureCondition(step.condition, stepConditionScope(job, `${where} condition`))) return;
  let outcome: AzureResult = 'Succeeded';
  try {
    if (kind === 'checkout')
      result.log = 'checkout: the workspace is the repository itself; nothing to check out.\n';
    else if (kind === 'script') outcome = await runScriptStep(job, step, result);
    else {
      const ran = await runTask(job, { task: task!, step, result, stage: 'main' });
      taskRun!.taskVariables = ran.taskVariables;
      outcome = ran.failed ? 'Failed' : (ran.result as AzureResult);
    }
  } catch (error) {
    result.errors.push(agentMasked(job, error instanceof Error ? error.message : String(error)));
    outcome = 'Failed';
  }
  if (job.cancelled && outcome === 'Failed') outcome = 'Canceled';
  if (outcome === 'Failed' && truthy(toValue(step.continueOnError ?? false))) outcome = 'SucceededWithIssues';
  result.result = outcome;
  job.status = worsen(job.status, outcome);
}

async function runPostJob(job: AgentJob, run: TaskRun): Promise<AzureStepResult> {
  const result: AzureStepResult = {
    ...run.result,
    displayName: `Post-job: ${run.result.displayName}`,
    stage: 'post',
    result: 'Skipped',
    outputs: {},
    summaries: [],
    log: '',
    errors: [],
    warnings: [],
  };
  try {
    const ran = await runTask(job, {
      task: run.task,
      step: run.step,
      result,
      stage: 'post',
      taskVariables: run.taskVariables,
    });
    result.result = ran.failed ? 'Failed' : (ran.result as AzureResult);
  } catch (error) {
    result.errors.push(agentMasked(job, error instanceof Error ? error.message : String(error)));
    result.result = 'Failed';
  }
  job.status = worsen(job.status, result.result);
  return result;
}

/**
 * Builds the job's variables: predefined (the agent's secrets, such as `System.AccessToken`, as secret variables a
 * script reaches only through `env:`), the pipeline's settings, then the YAML from the outside in.
 */
export function jobVariables(
  options: AzurePipelineOptions,
  predefined: Record<string, string>,
  sections: [unknown, string][],
): VariableSet {
  const set = new VariableSet();
  for (const [name, value] of Object.entries(predefined)) set.set(name, value);
  for (const [name, value] of Object.entries(options.agentSecrets ?? {})) set.set(name, value, true);
  for (const [name, value] of Object.entries(options.variables ?? {})) set.set(name, value);
  for (const [name, value] of Object.entries(options.secretVariables ?? {})) set.set(name, value, true);
  for (const [section, where] of sections) addYamlVariables(set, section, options.variableGroups, where);
  return set;
}

/** Where a job runs: the run, its stage, the task catalog. */
export interface JobContext {
  options: AzurePipelineOptions;
  pipeline: Pipeline;
  stage: PipelineStage;
  catalog: Map<string, CatalogTask>;
  runDir: string;
  predefined: Record<string, string>;
}

/** The job before its first step: its folders and its variables from the outside in. */
function startJob(context: JobContext, definition: PipelineJob): AgentJob {
  const { options, stage } = context;
  const dir = join(context.runDir, `${stage.name}-${definition.name}`);
  const temp = join(dir, '_temp');
  mkdirSync(temp, { recursive: true });
  const predefined = {
    ...context.predefined,
    'System.StageName': stage.name,
    'System.JobName': definition.name,
    'Agent.TempDirectory': temp,
  };
  const variables = jobVariables(options, predefined, [
    [context.pipeline.variables, `${context.pipeline.path}: variables`],
    [stage.variables, `stage ${stage.name} variables`],
    [definition.variables, `job ${definition.name} variables`],
  ]);
  return {
    stage: stage.name,
    name: definition.name,
    workspace: options.workspace,
    dir,
    temp,
    options,
    catalog: context.catalog,
    variables,
    masks: new Set(Object.values(options.agentSecrets ?? {})),
    path: [],
    status: 'Succeeded',
    cancelled: false,
    results: [],
    outputs: {},
    scripts: [],
  };
}

/** Runs one job's steps and post-job runs. */
export async function runAgentJob(context: JobContext, definition: PipelineJob): Promise<AzureJobResult> {
  const { options, stage } = context;
  const job = startJob(context, definition);
  const onAbort = () => {
    job.cancelled = true;
    job.status = 'Canceled';
    if (job.running) cancelChild(job.running);
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  const taskRuns: TaskRun[] = [];
  const postSteps: AzureStepResult[] = [];
  try {
    for (const [index, step] of definition.steps.entries()) {
      if (step.enabled === false) continue;
      job.variables.set('Agent.JobStatus', job.status);
      await runStep(job, step, index, taskRuns);
    }
    for (const run of taskRuns.reverse()) postSteps.push(await runPostJob(job, run));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    endProcessGroups(job.scripts);
  }
  const all = [...job.results, ...postSteps];
  return {
    stage: stage.name,
    name: definition.name,
    displayName: definition.displayName ?? definition.name,
    result: job.status,
    steps: job.results,
    postSteps,
    outputs: job.outputs,
    summary: all.flatMap((s) => s.summaries).join('\n'),
    log: all.map((s) => `##[section]${s.displayName}\n${s.log}`).join(''),
  };
}
