/**
 * `uses:` steps. A local action (`./actions/x`) runs from its committed bundle through `@azpn/action-host`, with
 * its inputs (defaults evaluated as expressions, as the runner does) and the job's environment; its post step is
 * queued when its main step runs. `actions/checkout` is a no-op (the workspace is the repository). Anything else
 * is refused before the run starts.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  readActionManifest,
  startGitHubStep,
  type ActionManifest,
  type GitHubStepResult,
} from '@azpn/action-host';
import { interpolate } from '../expressions/github-expressions.js';
import type { Scope } from '../expressions/evaluate.js';
import { toText } from '../expressions/values.js';
import { masked, type JobState } from './job-state.js';
import type { StepStarted } from './results.js';
import { applyEnvironmentFiles, createStepFiles, readWorkflowCommands } from './step-files.js';
import { WorkflowRefusedError, type WorkflowStep } from './workflow-file.js';

/** What a `uses:` names. */
export type ActionReference = { kind: 'checkout' } | { kind: 'local'; dir: string; manifest: ActionManifest };

/** Resolves a `uses:` or refuses it with a sentence naming the step. */
export function resolveUses(uses: string, workspace: string, where: string): ActionReference {
  if (/^actions\/checkout@v?\d+/.test(uses)) return { kind: 'checkout' };
  if (!uses.startsWith('./')) {
    throw new WorkflowRefusedError(
      `${where} uses ${uses}, which the executor does not run (it runs ./ local actions and treats actions/checkout as a no-op): use a local action or a run: step.`,
    );
  }
  const dir = resolve(workspace, uses);
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find(existsSync);
  if (!file)
    throw new WorkflowRefusedError(`${where} uses ${uses}, which has no action.yml in the workspace.`);
  const manifest = readActionManifest(file);
  if (!/^node\d+$/.test(manifest.runs.using)) {
    throw new WorkflowRefusedError(
      `${where} uses ${uses}, a ${manifest.runs.using} action: the executor runs node actions only.`,
    );
  }
  if ('pre' in manifest.runs) {
    throw new WorkflowRefusedError(
      `${where} uses ${uses}, whose runs.pre @azpn/action-host cannot start: it runs main and post.`,
    );
  }
  return { kind: 'local', dir, manifest };
}

/** The inputs the runner hands the action: `with:` values, then the manifest's defaults, both evaluated. */
export function actionInputs(
  reference: Extract<ActionReference, { kind: 'local' }>,
  step: WorkflowStep,
  scope: Scope,
): { inputs: Record<string, string>; warnings: string[] } {
  const declared = reference.manifest.inputs;
  const inputs: Record<string, string> = {};
  const given = step.with ?? {};
  for (const [name, value] of Object.entries(given)) {
    if (name in declared) inputs[name] = interpolate(toText(value as never), scope);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (!(name in inputs) && spec.default !== undefined)
      inputs[name] = interpolate(String(spec.default), scope);
  }
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  const warnings = unexpected.length
    ? [
        `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(declared).join("', '")}']`,
      ]
    : [];
  return { inputs, warnings };
}

/** How an action process ended, read back into the job. */
export interface ActionRun {
  result: GitHubStepResult;
  log: string;
  errors: string[];
  warnings: string[];
}

/** Runs the main or post entry of a local action as the runner does, and applies its file commands. */
export async function runAction(
  state: JobState,
  reference: Extract<ActionReference, { kind: 'local' }>,
  run: {
    stage: 'main' | 'post';
    label: string;
    inputs: Record<string, string>;
    env: Record<string, string>;
    saved?: GitHubStepResult;
    started: StepStarted;
  },
): Promise<ActionRun> {
  const files = createStepFiles(state, run.label);
  const started = startGitHubStep({
    actionDir: reference.dir,
    stage: run.stage,
    inputs: run.inputs,
    state: run.saved?.state,
    workDir: run.saved?.workDir ?? files.dir,
    env: { ...run.env, GITHUB_ENV: files.GITHUB_ENV, GITHUB_PATH: files.GITHUB_PATH },
    timeoutMs: state.stepTimeoutMs,
  });
  state.running = started.child;
  state.onStep?.(run.started);
  const result = await started.finish();
  state.running = undefined;
  const commands = readWorkflowCommands(state, result.stdout);
  for (const mask of result.masks) state.masks.add(mask);
  applyEnvironmentFiles(state, files);
  const log = masked(state, result.stdout + result.stderr);
  return { result, log, errors: commands.errors.map((e) => masked(state, e)), warnings: commands.warnings };
}
