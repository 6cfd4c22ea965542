import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFileCommands, parseWorkflowCommands, type WorkflowCommand } from './github-files.js';
import { readActionManifest } from './manifest.js';
import {
  baseEnvironment,
  maskSecrets,
  startNodeProcess,
  type ProcessOutcome,
  type StartedProcess,
} from './process.js';

/** How to start one step of an action as the GitHub runner does. */
export interface GitHubStepOptions {
  /** The action's folder (holding `action.yml`). */
  actionDir: string;
  /** `main` (default) or `post`. */
  stage?: 'main' | 'post';
  /** Input values by their `action.yml` names; defaults from the manifest fill the rest. */
  inputs?: Record<string, string>;
  /** State the main step saved, for a post step. */
  state?: Record<string, string>;
  /** Extra environment (`ACTIONS_ID_TOKEN_REQUEST_URL`, `GITHUB_EVENT_NAME`, …). */
  env?: Record<string, string | undefined>;
  /** The job's scratch folder (the runner's files, RUNNER_TEMP); a fresh temporary one when omitted. */
  workDir?: string;
  /**
   * The repository checkout: `GITHUB_WORKSPACE`, and the step's working directory, as on a runner. File inputs
   * must lie inside it. The current directory (the repository, under `npm test`) when omitted.
   */
  workspace?: string;
  timeoutMs?: number;
}

/** What the runner would record of a finished step. */
export interface GitHubStepResult extends ProcessOutcome {
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  masks: string[];
  commands: WorkflowCommand[];
  /** stdout with every mask applied, as the log page shows it. */
  log: string;
  /** The `::error::` messages. */
  errors: string[];
  /** The `::warning::` messages. */
  warnings: string[];
  failed: boolean;
  workDir: string;
}

function inputEnvironment(actionDir: string, inputs: Record<string, string>): Record<string, string> {
  const manifest = readActionManifest(join(actionDir, 'action.yml'));
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs)) {
    const value = inputs[name] ?? spec.default;
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in manifest.inputs)) throw new Error(`${actionDir}/action.yml declares no input "${name}"`);
  }
  return env;
}

/** Starts a step without waiting, so a test can cancel it; `finish` reads back what it recorded. */
export function startGitHubStep(
  options: GitHubStepOptions,
): StartedProcess & { finish(): Promise<GitHubStepResult> } {
  const stage = options.stage ?? 'main';
  const actionDir = resolve(options.actionDir);
  const manifest = readActionManifest(join(actionDir, 'action.yml'));
  const target = stage === 'main' ? manifest.runs.main : manifest.runs.post;
  if (!target) throw new Error(`${actionDir}/action.yml has no ${stage} step`);
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'azpn-gh-'));
  const workspace = resolve(options.workspace ?? process.cwd());
  const files = {
    GITHUB_OUTPUT: join(workDir, `${stage}-output`),
    GITHUB_STATE: join(workDir, `${stage}-state`),
    GITHUB_STEP_SUMMARY: join(workDir, `${stage}-summary.md`),
    GITHUB_ENV: join(workDir, `${stage}-env`),
    GITHUB_PATH: join(workDir, `${stage}-path`),
  };
  mkdirSync(join(workDir, 'temp'), { recursive: true });
  for (const file of Object.values(files)) writeFileSync(file, '');
  const stateEnv = Object.fromEntries(Object.entries(options.state ?? {}).map(([k, v]) => [`STATE_${k}`, v]));
  const env = baseEnvironment({
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: join(workDir, 'temp'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    ...files,
    ...stateEnv,
    ...inputEnvironment(actionDir, options.inputs ?? {}),
    ...options.env,
  });
  const started = startNodeProcess(join(actionDir, target), env, {
    cwd: workspace,
    timeoutMs: options.timeoutMs,
  });
  const finish = async (): Promise<GitHubStepResult> => {
    const outcome = await started.outcome;
    const commands = parseWorkflowCommands(outcome.stdout);
    const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    return {
      ...outcome,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      masks,
      commands,
      log: maskSecrets(outcome.stdout, masks),
      errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
      warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
      failed: outcome.exitCode !== 0,
      workDir,
    };
  };
  return { ...started, finish };
}

/** Runs one step of an action to completion as the GitHub runner would, and reads back what it recorded. */
export function runGitHubStep(options: GitHubStepOptions): Promise<GitHubStepResult> {
  return startGitHubStep(options).finish();
}
