/**
 * A job's steps in order as the runner runs them: each `if:` against the job's status, `continue-on-error`,
 * outputs into the `steps` context, then the post steps of the actions that ran, in reverse order, each with
 * its `post-if` (default `always()`). Cancelling interrupts the running step (SIGINT, then SIGTERM).
 */
import type { GitHubStepResult } from '@azpn/action-host';
import { evaluateCondition, evaluateValue, interpolate } from '../expressions/github-expressions.js';
import { toText, truthy } from '../expressions/values.js';
import { cancelChild } from '../shell-process.js';
import { resolveUses, actionInputs, runAction, type ActionReference } from './action-step.js';
import { masked, stepEnvironment, stepScope, type JobState } from './job-state.js';
import type { Conclusion, StepResult } from './results.js';
import { runScript, runShell } from './run-step.js';
import type { WorkflowStep } from './workflow-file.js';

interface PendingPost {
  result: StepResult;
  reference: Extract<ActionReference, { kind: 'local' }>;
  inputs: Record<string, string>;
  env: Record<string, string>;
  saved: GitHubStepResult;
}

function stepName(step: WorkflowStep, index: number, state: JobState): string {
  if (step.name) return interpolate(step.name, stepScope(state, `jobs.${state.jobId}.steps[${index}].name`));
  if (step.uses) return `Run ${step.uses}`;
  return `Run ${String(step.run ?? '').split('\n')[0]}`;
}

function stepEnv(state: JobState, step: WorkflowStep, where: string): Record<string, string> {
  const scope = stepScope(state, `${where}.env`);
  return Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, toText(evaluateValue(v, scope))]),
  );
}

async function execute(
  state: JobState,
  step: WorkflowStep,
  result: StepResult,
  posts: PendingPost[],
): Promise<boolean> {
  const where = `jobs.${state.jobId}.steps[${result.index}]`;
  const env = stepEnv(state, step, where);
  const scope = stepScope(state, where, env);
  const processEnv = { ...stepEnvironment(state, env), GITHUB_ACTION: step.id ?? `__run_${result.index}` };
  const started = { job: state.jobId, step: result.name, index: result.index, stage: 'main' as const };
  if (step.run !== undefined) {
    const run = await runScript(state, step, {
      label: `${result.index}-main`,
      scope,
      env: processEnv,
      shell: runShell(step, state, where),
      started,
    });
    Object.assign(result, { outputs: run.outputs, summary: run.summary, log: run.log, errors: run.errors });
    result.warnings.push(...run.warnings);
    result.exitCode = run.end.exitCode;
    return run.end.exitCode === 0;
  }
  const reference = resolveUses(String(step.uses), state.workspace, where);
  if (reference.kind === 'checkout') {
    result.log = 'actions/checkout: the workspace is the repository itself; nothing to check out.\n';
    return true;
  }
  const { inputs, warnings } = actionInputs(reference, step, scope);
  result.warnings.push(...warnings);
  result.inputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, masked(state, v)]));
  const run = await runAction(state, reference, {
    stage: 'main',
    label: `${result.index}-main`,
    inputs,
    env: processEnv,
    started,
  });
  Object.assign(result, {
    outputs: run.result.outputs,
    summary: run.result.summary,
    log: run.log,
    errors: run.errors,
  });
  result.warnings.push(...run.warnings);
  result.exitCode = run.result.exitCode;
  if (reference.manifest.runs.post)
    posts.push({ result, reference, inputs, env: processEnv, saved: run.result });
  return !run.result.failed;
}

function conclude(state: JobState, step: WorkflowStep, result: StepResult, ok: boolean): void {
  result.outcome = ok ? 'success' : state.cancelled ? 'cancelled' : 'failure';
  const scope = stepScope(state, `jobs.${state.jobId}.steps[${result.index}].continue-on-error`);
  const continueOnError = truthy(evaluateValue(step['continue-on-error'] ?? false, scope));
  result.conclusion = result.outcome === 'failure' && continueOnError ? 'success' : result.outcome;
  if (result.conclusion === 'failure') state.failed = true;
}

function failWith(state: JobState, result: StepResult, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  result.errors.push(masked(state, message));
  result.log += `${masked(state, message)}\n`;
}

async function runMain(
  state: JobState,
  step: WorkflowStep,
  index: number,
  posts: PendingPost[],
): Promise<void> {
  const result: StepResult = {
    index,
    id: step.id,
    name: stepName(step, index, state),
    kind:
      step.run !== undefined ? 'run' : /^actions\/checkout@/.test(String(step.uses)) ? 'checkout' : 'action',
    stage: 'main',
    uses: step.uses,
    outcome: 'skipped',
    conclusion: 'skipped',
    outputs: {},
    summary: '',
    log: '',
    errors: [],
    warnings: [],
  };
  state.results.push(result);
  const where = `jobs.${state.jobId}.steps[${index}].if`;
  if (evaluateCondition(step.if, stepScope(state, where))) {
    let ok = false;
    try {
      ok = await execute(state, step, result, posts);
    } catch (error) {
      failWith(state, result, error);
    }
    conclude(state, step, result, ok);
  }
  if (step.id) {
    state.steps[step.id] = {
      outputs: result.outputs,
      outcome: result.outcome,
      conclusion: result.conclusion,
    };
  }
}

async function runPost(state: JobState, post: PendingPost): Promise<StepResult> {
  const result: StepResult = {
    ...post.result,
    name: `Post ${post.result.name}`,
    stage: 'post',
    outcome: 'skipped' as Conclusion,
    conclusion: 'skipped' as Conclusion,
    outputs: {},
    summary: '',
    log: '',
    errors: [],
    warnings: [],
  };
  const where = `jobs.${state.jobId}.steps[${result.index}] post-if`;
  if (!evaluateCondition(post.reference.manifest.runs['post-if'] ?? 'always()', stepScope(state, where)))
    return result;
  const started = { job: state.jobId, step: result.name, index: result.index, stage: 'post' as const };
  try {
    const run = await runAction(state, post.reference, {
      stage: 'post',
      label: `${result.index}-post`,
      inputs: post.inputs,
      env: post.env,
      saved: post.saved,
      started,
    });
    Object.assign(result, {
      outputs: run.result.outputs,
      summary: run.result.summary,
      log: run.log,
      errors: run.errors,
    });
    result.exitCode = run.result.exitCode;
    result.outcome = result.conclusion = run.result.failed ? 'failure' : 'success';
  } catch (error) {
    failWith(state, result, error);
    result.outcome = result.conclusion = 'failure';
  }
  if (result.conclusion === 'failure') state.failed = true;
  return result;
}

/** Runs the steps, then the post steps; cancelling through `signal` interrupts the running step. */
export async function runJobSteps(
  state: JobState,
  steps: WorkflowStep[],
  signal?: AbortSignal,
): Promise<StepResult[]> {
  const posts: PendingPost[] = [];
  const onAbort = () => {
    state.cancelled = true;
    if (state.running) cancelChild(state.running);
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort);
  try {
    for (const [index, step] of steps.entries()) await runMain(state, step, index, posts);
    const postResults: StepResult[] = [];
    for (const post of posts.reverse()) postResults.push(await runPost(state, post));
    return postResults;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
