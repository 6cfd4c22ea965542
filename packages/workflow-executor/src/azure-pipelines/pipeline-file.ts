/**
 * An Azure Pipelines YAML file, read and expanded: runtime parameters checked against their declarations, template
 * expressions applied, and the three shapes (stages, jobs, or plain steps) brought to stages of jobs of steps.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toValue, type Value } from '../expressions/values.js';
import { PipelineRefusedError } from './pipeline-errors.js';
import { expandTemplates, templateScope } from './template-expressions.js';

/** One step as the YAML writes it. */
export type PipelineStep = Record<string, unknown> & {
  task?: string;
  script?: string;
  bash?: string;
  checkout?: string;
  name?: string;
  displayName?: string;
  inputs?: Record<string, unknown>;
  env?: Record<string, unknown>;
  condition?: string;
  continueOnError?: unknown;
  enabled?: unknown;
  timeoutInMinutes?: unknown;
  workingDirectory?: string;
  failOnStderr?: unknown;
};

/** A job, normalized. */
export interface PipelineJob {
  name: string;
  displayName?: string;
  dependsOn: string[];
  condition?: string;
  variables: unknown;
  steps: PipelineStep[];
  continueOnError?: unknown;
}

/** A stage, normalized. */
export interface PipelineStage {
  name: string;
  displayName?: string;
  dependsOn: string[];
  condition?: string;
  variables: unknown;
  jobs: PipelineJob[];
}

/** A pipeline, expanded. */
export interface Pipeline {
  path: string;
  trigger: unknown;
  pr: unknown;
  schedules: {
    cron: string;
    displayName?: string;
    branches?: { include?: string[]; exclude?: string[] };
    always?: boolean;
  }[];
  parameters: Record<string, Value>;
  variables: unknown;
  stages: PipelineStage[];
}

interface ParameterDeclaration {
  name: string;
  type?: string;
  default?: unknown;
  values?: unknown[];
}

function typed(declaration: ParameterDeclaration, raw: unknown, path: string): Value {
  const type = declaration.type ?? 'string';
  const where = `${path}: parameter ${declaration.name}`;
  if (type === 'boolean') {
    if (raw === true || raw === false) return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new PipelineRefusedError(`${where} is a boolean: give true or false, not ${JSON.stringify(raw)}.`);
  }
  if (type === 'number') {
    const n = Number(raw);
    if (Number.isNaN(n))
      throw new PipelineRefusedError(`${where} is a number: ${JSON.stringify(raw)} is not one.`);
    return n;
  }
  if (type === 'string') return String(raw);
  return toValue(raw);
}

/** Runtime parameters: given values, or the declared defaults; a value outside `values:` is refused. */
export function resolveParameters(
  declared: unknown,
  given: Record<string, unknown>,
  path: string,
): Record<string, Value> {
  const declarations = (Array.isArray(declared) ? declared : []) as ParameterDeclaration[];
  const resolved: Record<string, Value> = {};
  for (const declaration of declarations) {
    const raw = declaration.name in given ? given[declaration.name] : declaration.default;
    if (raw === undefined)
      throw new PipelineRefusedError(
        `${path}: parameter ${declaration.name} has no default: give it when queuing the run.`,
      );
    const value = typed(declaration, raw, path);
    if (
      declaration.values &&
      !declaration.values.some((v) => JSON.stringify(toValue(v)) === JSON.stringify(value))
    ) {
      throw new PipelineRefusedError(
        `${path}: parameter ${declaration.name} must be one of ${declaration.values.join(', ')}, not ${String(raw)}.`,
      );
    }
    resolved[declaration.name] = value;
  }
  for (const name of Object.keys(given)) {
    if (!declarations.some((d) => d.name === name))
      throw new PipelineRefusedError(`${path} declares no parameter ${name}.`);
  }
  return resolved;
}

/** The variables template expressions can read: those the YAML sets as literals at the top, plus predefined ones. */
function compileTimeVariables(variables: unknown, predefined: Record<string, string>): Record<string, Value> {
  const known: Record<string, Value> = { ...predefined };
  if (Array.isArray(variables)) {
    for (const v of variables as { name?: string; value?: unknown }[])
      if (v.name) known[v.name] = toValue(v.value);
  } else if (variables && typeof variables === 'object') {
    for (const [k, v] of Object.entries(variables)) known[k] = toValue(v);
  }
  return known;
}

function dependsOn(value: unknown, previous: string | undefined): string[] {
  if (value === undefined) return previous ? [previous] : [];
  return ([] as string[]).concat(value as string | string[]);
}

function normalizeJob(raw: Record<string, unknown>, path: string): PipelineJob {
  if ('deployment' in raw)
    throw new PipelineRefusedError(`${path}: deployment jobs are not supported by the executor; use a job.`);
  if ('template' in raw)
    throw new PipelineRefusedError(`${path}: template references are not supported by the executor.`);
  if (!Array.isArray(raw.steps))
    throw new PipelineRefusedError(`${path}: job ${String(raw.job)} has no steps.`);
  return {
    name: String(raw.job ?? 'Job'),
    displayName: raw.displayName as string | undefined,
    dependsOn: dependsOn(raw.dependsOn, undefined),
    condition: raw.condition as string | undefined,
    variables: raw.variables,
    steps: raw.steps as PipelineStep[],
    continueOnError: raw.continueOnError,
  };
}

function normalizeStages(expanded: Record<string, unknown>, path: string): PipelineStage[] {
  if (Array.isArray(expanded.stages)) {
    let previous: string | undefined;
    return (expanded.stages as Record<string, unknown>[]).map((stage) => {
      const name = String(stage.stage);
      const normalized: PipelineStage = {
        name,
        displayName: stage.displayName as string | undefined,
        dependsOn: dependsOn(stage.dependsOn, previous),
        condition: stage.condition as string | undefined,
        variables: stage.variables,
        jobs: ((stage.jobs ?? []) as Record<string, unknown>[]).map((job) =>
          normalizeJob(job, `${path}: stage ${name}`),
        ),
      };
      previous = name;
      return normalized;
    });
  }
  const jobs = Array.isArray(expanded.jobs)
    ? (expanded.jobs as Record<string, unknown>[]).map((job) => normalizeJob(job, path))
    : [normalizeJob({ job: 'Job', steps: expanded.steps }, path)];
  return [{ name: '__default', dependsOn: [], variables: undefined, jobs }];
}

/** Reads a pipeline, resolving its parameters and template expressions. */
export function readPipeline(
  path: string,
  given: Record<string, unknown>,
  predefined: Record<string, string>,
): Pipeline {
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object')
    throw new PipelineRefusedError(`${path} is not a pipeline: it holds no mapping.`);
  if ('extends' in raw)
    throw new PipelineRefusedError(`${path} extends a template, which the executor does not run.`);
  const parameters = resolveParameters(raw.parameters, given, path);
  const scope = templateScope(parameters, compileTimeVariables(raw.variables, predefined));
  const { parameters: _declared, ...body } = raw;
  const expanded = expandTemplates(body, scope, path) as Record<string, unknown>;
  return {
    path,
    trigger: expanded.trigger,
    pr: expanded.pr,
    schedules: (expanded.schedules ?? []) as Pipeline['schedules'],
    parameters,
    variables: expanded.variables,
    stages: normalizeStages(expanded, path),
  };
}
