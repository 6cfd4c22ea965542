/**
 * One job (one matrix leg): its permissions, environment, concurrency and token, the contexts its steps see,
 * its steps, and its outputs (an output holding a secret is dropped, as the runner does).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Scope } from '../expressions/evaluate.js';
import { evaluateValue, githubFunctions, interpolate } from '../expressions/github-expressions.js';
import { toText, truthy, type Value } from '../expressions/values.js';
import { endProcessGroups } from '../shell-process.js';
import { eventRepository, fromFork, type GitHubEvent } from './events.js';
import { addMask, masked, stepScope, type JobState } from './job-state.js';
import { runJobSteps } from './job-steps.js';
import type { MatrixLeg } from './matrix.js';
import { jobPermissions, type JobPermissions } from './permissions.js';
import { githubContext, runnerContext, runnerVariables, type RunFacts } from './run-context.js';
import type { Concurrency, JobResult, JobToken, JobTokenRequest, PullRequestFacts } from './results.js';
import type { GitHubWorkflowOptions } from './options.js';
import type { Workflow, WorkflowJob } from './workflow-file.js';

/** Everything a job leg needs from the run. */
export interface LegInput {
  options: GitHubWorkflowOptions;
  workflow: Workflow;
  facts: RunFacts;
  runDir: string;
  jobId: string;
  job: WorkflowJob;
  matrix?: MatrixLeg;
  strategy: Value;
  needs: Record<string, Value>;
  inputs: Record<string, Value>;
}

function plainScope(where: string, contexts: Record<string, Value>): Scope {
  return { where, contexts, functions: githubFunctions };
}

/** Evaluates a `concurrency:` setting. */
export function evaluateConcurrency(setting: unknown, scope: Scope): Concurrency | undefined {
  if (setting === undefined) return undefined;
  if (typeof setting === 'string') return { group: interpolate(setting, scope), cancelInProgress: false };
  const { group, 'cancel-in-progress': cancel } = setting as {
    group: string;
    'cancel-in-progress'?: unknown;
  };
  return {
    group: interpolate(String(group), scope),
    cancelInProgress: truthy(evaluateValue(cancel ?? false, scope)),
  };
}

function environmentOf(job: WorkflowJob, scope: Scope): { name: string; url?: string } | undefined {
  if (job.environment === undefined) return undefined;
  if (typeof job.environment === 'string') return { name: interpolate(job.environment, scope) };
  const url = job.environment.url;
  return { name: interpolate(job.environment.name, scope), ...(url ? { url } : {}) };
}

function legName(input: LegInput, scope: Scope): string {
  if (input.job.name) return interpolate(input.job.name, scope);
  if (!input.matrix) return input.jobId;
  return `${input.jobId} (${Object.values(input.matrix)
    .map((v) => toText(v))
    .join(', ')})`;
}

async function mintToken(input: LegInput, request: JobTokenRequest): Promise<JobToken> {
  return (await input.options.jobToken?.(request)) ?? {};
}

function evaluateEnv(values: Record<string, unknown> | undefined, scope: Scope): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([k, v]) => [k, toText(evaluateValue(v, scope))]),
  );
}

/** The pull request a `pull_request*` event's payload describes, as the token request carries it. */
function pullRequestFacts(event: GitHubEvent): { pullRequest?: PullRequestFacts } {
  const pr = event.payload.pull_request as
    | {
        number: number;
        state: 'open' | 'closed';
        merged?: boolean;
        title?: string;
        head: { sha: string; ref: string; repo?: { full_name?: string } };
        base: { ref: string };
      }
    | undefined;
  if (!event.name.startsWith('pull_request') || pr === undefined) return {};
  return {
    pullRequest: {
      number: pr.number,
      state: pr.state,
      merged: pr.merged ?? false,
      title: pr.title ?? `Pull request ${pr.number}`,
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      headRepository: pr.head.repo?.full_name ?? eventRepository(event),
      baseRef: pr.base.ref,
    },
  };
}

/** What the job is before it runs: its name, permissions, environment, concurrency and token request. */
interface LegPlan {
  head: Record<string, Value>;
  name: string;
  fork: boolean;
  permissions: JobPermissions;
  environment?: { name: string; url?: string };
  concurrency?: Concurrency;
  request: JobTokenRequest;
}

function planLeg(input: LegInput): LegPlan {
  const { options, workflow, facts, jobId, job } = input;
  const fork = fromFork(facts.event);
  const github = githubContext(facts, jobId, '');
  const head = {
    github,
    needs: input.needs,
    strategy: input.strategy,
    matrix: input.matrix ?? null,
    vars: options.vars ?? {},
    inputs: input.inputs,
  };
  const headScope = plainScope(`jobs.${jobId}`, head);
  const name = legName(input, headScope);
  const permissions = jobPermissions(workflow.permissions, job.permissions, {
    defaults: options.defaultPermissions ?? 'restricted',
    fork,
    where: `jobs.${jobId}.permissions`,
  });
  const environment = environmentOf(job, headScope);
  const request: JobTokenRequest = {
    workflow: workflow.name,
    job: jobId,
    jobName: name,
    repository: String((github as Record<string, Value>).repository),
    event: facts.event.name,
    ref: facts.event.ref,
    sha: facts.event.sha,
    ...(environment ? { environment: environment.name } : {}),
    permissions,
    fork,
    runId: facts.runId,
    ...pullRequestFacts(facts.event),
  };
  return {
    head,
    name,
    fork,
    permissions,
    environment,
    concurrency: evaluateConcurrency(job.concurrency, headScope),
    request,
  };
}

function legDirectory(input: LegInput): string {
  const suffix = input.matrix
    ? `-${Object.values(input.matrix)
        .map((v) => toText(v))
        .join('-')}`
    : '';
  return join(input.runDir, `${input.jobId}${suffix}`.replace(/[^\w.-]/g, '_'));
}

/** The job's state before its first step: contexts, secrets (none for a fork), masks, the runner's variables. */
function startState(input: LegInput, plan: LegPlan, token: JobToken, idToken: boolean): JobState {
  const { options, workflow, facts, jobId, job } = input;
  const environmentData = plan.environment ? options.environments?.[plan.environment.name] : undefined;
  const secrets: Record<string, string> = plan.fork
    ? {}
    : { ...options.secrets, ...environmentData?.secrets };
  if (token.githubToken) secrets.GITHUB_TOKEN = token.githubToken;
  const dir = legDirectory(input);
  const temp = join(dir, 'temp');
  mkdirSync(temp, { recursive: true });
  const idTokenEnv: Record<string, string> = idToken
    ? {
        ACTIONS_ID_TOKEN_REQUEST_URL: token.idTokenRequest!.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: token.idTokenRequest!.token,
      }
    : {};
  const state: JobState = {
    jobId,
    jobName: plan.name,
    workspace: facts.workspace,
    dir,
    temp,
    contexts: {
      ...plan.head,
      github: githubContext(facts, jobId, token.githubToken ?? ''),
      vars: { ...options.vars, ...environmentData?.vars },
      secrets,
      runner: runnerContext(temp),
    },
    runnerEnv: { ...runnerVariables(facts, jobId, temp), ...options.runnerEnv, ...idTokenEnv },
    env: {},
    githubEnv: {},
    path: [],
    masks: new Set(),
    steps: {},
    failed: false,
    cancelled: false,
    defaults: {
      shell: job.defaults?.run?.shell ?? workflow.defaults?.run?.shell,
      workingDirectory:
        job.defaults?.run?.['working-directory'] ?? workflow.defaults?.run?.['working-directory'],
    },
    stepTimeoutMs: options.stepTimeoutMs,
    onStep: options.onStep,
    results: [],
    scripts: [],
  };
  for (const value of Object.values(secrets)) addMask(state, value);
  if (idToken) addMask(state, token.idTokenRequest!.token);
  const workflowEnv = evaluateEnv(workflow.env, stepScope(state, 'env'));
  state.env = workflowEnv;
  state.env = { ...workflowEnv, ...evaluateEnv(job.env, stepScope(state, `jobs.${jobId}.env`)) };
  return state;
}

/** The job's `outputs:`; the runner refuses to pass on an output that holds a secret. */
function jobOutputs(state: JobState, job: WorkflowJob): Record<string, string> {
  const scope = stepScope(state, `jobs.${state.jobId}.outputs`);
  const outputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(job.outputs ?? {})) {
    const text = interpolate(String(value), scope);
    outputs[key] = masked(state, text) === text ? text : '';
  }
  return outputs;
}

/** Runs one job leg to its end. */
export async function runJobLeg(input: LegInput): Promise<JobResult> {
  const plan = planLeg(input);
  const token = await mintToken(input, plan.request);
  const idToken = plan.permissions['id-token'] === 'write' && token.idTokenRequest !== undefined;
  const state = startState(input, plan, token, idToken);
  const postSteps = await runJobSteps(state, input.job.steps ?? [], input.options.signal).finally(() =>
    endProcessGroups(state.scripts),
  );
  const all = [...state.results, ...postSteps];
  return {
    id: input.jobId,
    name: plan.name,
    ...(input.matrix ? { matrix: input.matrix } : {}),
    result: state.cancelled ? 'cancelled' : state.failed ? 'failure' : 'success',
    permissions: plan.permissions,
    ...(plan.environment ? { environment: plan.environment } : {}),
    ...(plan.concurrency ? { concurrency: plan.concurrency } : {}),
    token: { ...plan.request, idToken },
    outputs: jobOutputs(state, input.job),
    steps: state.results,
    postSteps,
    summary: all.map((s) => s.summary).join(''),
    log: all.map((s) => `##[group]${s.name}\n${s.log}##[endgroup]\n`).join(''),
  };
}
