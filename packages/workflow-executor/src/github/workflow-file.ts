import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One step of a job, as the workflow file writes it. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: unknown;
  shell?: string;
  'working-directory'?: string;
  'continue-on-error'?: unknown;
  'timeout-minutes'?: unknown;
}

/** A `concurrency:` value: a group name, or a group with `cancel-in-progress`. */
export type ConcurrencySetting = string | { group: string; 'cancel-in-progress'?: unknown };

/** One job of the workflow file. */
export interface WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: unknown;
  'runs-on'?: unknown;
  permissions?: unknown;
  environment?: string | { name: string; url?: string };
  concurrency?: ConcurrencySetting;
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string; 'working-directory'?: string } };
  strategy?: { matrix?: unknown; 'fail-fast'?: unknown; 'max-parallel'?: unknown };
  'continue-on-error'?: unknown;
  'timeout-minutes'?: unknown;
  steps?: WorkflowStep[];
}

/** A workflow file, read. */
export interface Workflow {
  path: string;
  name: string;
  on: unknown;
  permissions?: unknown;
  env?: Record<string, unknown>;
  defaults?: { run?: { shell?: string; 'working-directory'?: string } };
  concurrency?: ConcurrencySetting;
  jobs: Record<string, WorkflowJob>;
}

/** A workflow the executor will not run, and why, before anything runs. */
export class WorkflowRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowRefusedError';
  }
}

const unsupportedJobKeys: Record<string, string> = {
  uses: 'calls a reusable workflow',
  container: 'runs in a container',
  services: 'starts service containers',
};

function checkJob(path: string, id: string, job: WorkflowJob): void {
  for (const [key, what] of Object.entries(unsupportedJobKeys)) {
    if (key in job) {
      throw new WorkflowRefusedError(
        `${path}: job "${id}" ${what} (${key}:), which the executor does not run: run its steps in the job instead.`,
      );
    }
  }
  if (!Array.isArray(job.steps) || job.steps.length === 0) {
    throw new WorkflowRefusedError(`${path}: job "${id}" has no steps: give it at least one.`);
  }
}

/** Reads a workflow file and refuses, naming the job, what the executor cannot run as the runner would. */
export function readWorkflow(path: string): Workflow {
  const data = parse(readFileSync(path, 'utf8')) as (Partial<Workflow> & { true?: unknown }) | null;
  if (!data || typeof data !== 'object')
    throw new WorkflowRefusedError(`${path} is not a workflow: it holds no mapping.`);
  // YAML 1.1 readers turn the key `on` into true; the yaml package reads 1.2, but accept both spellings.
  const on = data.on ?? data.true;
  if (on === undefined)
    throw new WorkflowRefusedError(`${path} has no "on:" section: say which events run it.`);
  if (!data.jobs || typeof data.jobs !== 'object') throw new WorkflowRefusedError(`${path} has no jobs.`);
  for (const [id, job] of Object.entries(data.jobs)) checkJob(path, id, job);
  return {
    path,
    name: data.name ?? path,
    on,
    permissions: data.permissions,
    env: data.env,
    defaults: data.defaults,
    concurrency: data.concurrency,
    jobs: data.jobs,
  };
}
