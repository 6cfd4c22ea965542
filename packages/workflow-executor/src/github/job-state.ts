/**
 * What a running job carries from step to step: its contexts, the environment that GITHUB_ENV and GITHUB_PATH
 * grew, the masks, the steps' outputs and outcomes, and whether it failed or was cancelled.
 */
import type { ChildProcess } from 'node:child_process';
import { maskSecrets } from '@azpn/action-host';
import type { Scope } from '../expressions/evaluate.js';
import { hostEnvironment } from '../host-environment.js';
import { githubFunctions, statusFunctions } from '../expressions/github-expressions.js';
import type { Value } from '../expressions/values.js';
import type { StepResult, StepStarted } from './results.js';

/** A job in progress. */
export interface JobState {
  jobId: string;
  jobName: string;
  workspace: string;
  /** The job's scratch folder (RUNNER_TEMP is inside it). */
  dir: string;
  temp: string;
  /** Contexts that do not change during the job: github, vars, secrets, inputs, needs, strategy, matrix, runner. */
  contexts: Record<string, Value>;
  /** GITHUB_*, RUNNER_*, the caller's runner environment and the token's variables. */
  runnerEnv: Record<string, string>;
  /** Workflow and job `env:`, evaluated. */
  env: Record<string, string>;
  /** Variables steps wrote to GITHUB_ENV. */
  githubEnv: Record<string, string>;
  /** Folders steps wrote to GITHUB_PATH, newest first. */
  path: string[];
  masks: Set<string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>;
  failed: boolean;
  cancelled: boolean;
  /** The step process running now, to cancel. */
  running?: ChildProcess;
  /** Every script started, so that what they left in the background ends with the job. */
  scripts: ChildProcess[];
  defaults: { shell?: string; workingDirectory?: string };
  stepTimeoutMs?: number;
  onStep?: (started: StepStarted) => void;
  results: StepResult[];
}

/** Registers a secret value (and each of its lines) to be masked from now on. */
export function addMask(state: JobState, value: string | undefined): void {
  if (!value) return;
  state.masks.add(value);
  for (const line of value.split(/\r?\n/)) if (line.trim().length > 2) state.masks.add(line);
}

/** Masks every registered secret in `text`. */
export function masked(state: JobState, text: string): string {
  return maskSecrets(text, state.masks);
}

/** The `env` context a step sees: workflow, job, GITHUB_ENV, then the step's own `env:`. */
export function envContext(state: JobState, stepEnv: Record<string, string> = {}): Record<string, string> {
  return { ...state.env, ...state.githubEnv, ...stepEnv };
}

/** The scope of a step's expressions, with the job's status for success()/failure()/cancelled(). */
export function stepScope(state: JobState, where: string, stepEnv: Record<string, string> = {}): Scope {
  return {
    where,
    contexts: {
      ...state.contexts,
      env: envContext(state, stepEnv),
      steps: state.steps,
      job: { status: state.cancelled ? 'cancelled' : state.failed ? 'failure' : 'success' },
    },
    functions: {
      ...githubFunctions,
      ...statusFunctions({ failed: () => state.failed, cancelled: () => state.cancelled }),
    },
  };
}

/** The full environment of a step process: runner, job, GITHUB_ENV and step variables, GITHUB_PATH first. */
export function stepEnvironment(state: JobState, stepEnv: Record<string, string>): Record<string, string> {
  const env = { ...state.runnerEnv, ...envContext(state, stepEnv) };
  if (state.path.length) env.PATH = [...state.path, env.PATH ?? hostEnvironment().PATH ?? ''].join(':');
  return env;
}
