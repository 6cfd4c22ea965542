/**
 * `run:` steps: the script with its `${{ }}` substituted (as the runner does, before the shell sees it), run by
 * bash (`--noprofile --norc -eo pipefail`) or sh in the workspace with the job's environment.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseFileCommands } from '@azpn/action-host';
import type { Scope } from '../expressions/evaluate.js';
import { interpolate } from '../expressions/github-expressions.js';
import { hostEnvironment } from '../host-environment.js';
import { startScript, type ProcessEnd, type ShellKind } from '../shell-process.js';
import { masked, type JobState } from './job-state.js';
import type { StepStarted } from './results.js';
import { applyEnvironmentFiles, createStepFiles, readWorkflowCommands } from './step-files.js';
import { WorkflowRefusedError, type WorkflowStep } from './workflow-file.js';

/** The shell a run step uses, or a refusal naming the step. */
export function runShell(step: WorkflowStep, state: Pick<JobState, 'defaults'>, where: string): ShellKind {
  const shell = step.shell ?? state.defaults.shell ?? 'bash';
  if (shell === 'bash') return 'github-bash';
  if (shell === 'sh') return 'github-sh';
  throw new WorkflowRefusedError(
    `${where} runs in shell "${shell}": the executor runs bash and sh steps only.`,
  );
}

/** What a run step left. */
export interface ScriptRun {
  end: ProcessEnd;
  outputs: Record<string, string>;
  summary: string;
  log: string;
  errors: string[];
  warnings: string[];
}

/** Runs one `run:` step. */
export async function runScript(
  state: JobState,
  step: WorkflowStep,
  run: { label: string; scope: Scope; env: Record<string, string>; shell: ShellKind; started: StepStarted },
): Promise<ScriptRun> {
  const files = createStepFiles(state, run.label);
  const script = interpolate(String(step.run), run.scope);
  const directory = step['working-directory'] ?? state.defaults.workingDirectory;
  const cwd = directory
    ? isAbsolute(directory)
      ? directory
      : join(state.workspace, directory)
    : state.workspace;
  const { dir: _dir, ...commandFiles } = files;
  const started = startScript(script, {
    shell: run.shell,
    dir: files.dir,
    cwd,
    env: { ...hostEnvironment(), ...run.env, ...commandFiles },
    timeoutMs: state.stepTimeoutMs,
  });
  state.running = started.child;
  state.scripts.push(started.child);
  state.onStep?.(run.started);
  const end = await started.end;
  state.running = undefined;
  const commands = readWorkflowCommands(state, end.stdout);
  applyEnvironmentFiles(state, files);
  return {
    end,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    log: masked(state, end.stdout + end.stderr),
    errors: commands.errors.map((e) => masked(state, e)),
    warnings: commands.warnings,
  };
}
