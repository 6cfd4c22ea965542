/**
 * The file commands of one step: GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY and GITHUB_STATE,
 * each a fresh file in the step's folder, read back into the job when the step ends.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFileCommands, parseWorkflowCommands } from '@azpn/action-host';
import { addMask, type JobState } from './job-state.js';

/** The file-command paths of one step. */
export interface StepFiles {
  dir: string;
  GITHUB_OUTPUT: string;
  GITHUB_ENV: string;
  GITHUB_PATH: string;
  GITHUB_STEP_SUMMARY: string;
  GITHUB_STATE: string;
}

/** Creates the step's folder and its empty command files. */
export function createStepFiles(state: JobState, label: string): StepFiles {
  const dir = join(state.dir, 'steps', label);
  mkdirSync(dir, { recursive: true });
  const files: StepFiles = {
    dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_STATE: join(dir, 'state'),
  };
  for (const file of Object.values(files).slice(1)) writeFileSync(file, '');
  return files;
}

/** Applies what a step wrote to GITHUB_ENV and GITHUB_PATH to the job's later steps. */
export function applyEnvironmentFiles(
  state: JobState,
  files: Pick<StepFiles, 'GITHUB_ENV' | 'GITHUB_PATH'>,
): void {
  Object.assign(state.githubEnv, parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8')));
  const added = readFileSync(files.GITHUB_PATH, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  state.path.unshift(...added.reverse());
}

/** The workflow commands a step printed that the runner acts on: masks now, errors and warnings reported. */
export function readWorkflowCommands(
  state: JobState,
  stdout: string,
): { errors: string[]; warnings: string[] } {
  const commands = parseWorkflowCommands(stdout);
  for (const c of commands) if (c.command === 'add-mask') addMask(state, c.message);
  return {
    errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
    warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
  };
}
