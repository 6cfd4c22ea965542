import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** An input as an `action.yml` declares it. */
export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

/** The parts of an `action.yml` a runner reads to start a step. */
export interface ActionManifest {
  name: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
}

/** Reads and minimally checks an `action.yml`. */
export function readActionManifest(path: string): ActionManifest {
  const manifest = parse(readFileSync(path, 'utf8')) as Partial<ActionManifest>;
  if (!manifest?.runs?.main) throw new Error(`${path} has no runs.main`);
  return {
    name: manifest.name ?? path,
    inputs: manifest.inputs ?? {},
    outputs: manifest.outputs ?? {},
    runs: manifest.runs,
  };
}

/** An input as a `task.json` declares it. */
export interface TaskInput {
  name: string;
  type: string;
  label: string;
  required?: boolean;
  defaultValue?: string | boolean;
}

/** The parts of a `task.json` an agent reads to start a task. */
export interface TaskManifest {
  id: string;
  name: string;
  inputs?: TaskInput[];
  execution: Record<string, { target: string }>;
  postjobexecution?: Record<string, { target: string }>;
  outputVariables?: { name: string; description?: string }[];
}

/** Reads a `task.json`. */
export function readTaskManifest(path: string): TaskManifest {
  return JSON.parse(readFileSync(path, 'utf8')) as TaskManifest;
}
