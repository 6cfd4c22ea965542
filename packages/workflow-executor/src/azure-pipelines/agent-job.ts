/**
 * What a running Azure Pipelines job carries from step to step: its variables (output variables included), the
 * masks, the folders `task.prependpath` added, its status, and the scope its conditions are evaluated in.
 */
import type { ChildProcess } from 'node:child_process';
import { maskSecrets, type LoggingCommand } from '@azpn/action-host';
import { azureFunctions, azureStatusFunctions } from '../expressions/azure-expressions.js';
import type { Scope } from '../expressions/evaluate.js';
import type { AzurePipelineOptions } from './options.js';
import type { AzureResult, AzureStepResult } from './results.js';
import type { CatalogTask } from './task-catalog.js';
import type { VariableSet } from './variables.js';

/** A job in progress. */
export interface AgentJob {
  stage: string;
  name: string;
  workspace: string;
  dir: string;
  temp: string;
  options: AzurePipelineOptions;
  catalog: Map<string, CatalogTask>;
  variables: VariableSet;
  masks: Set<string>;
  path: string[];
  status: AzureResult;
  cancelled: boolean;
  running?: ChildProcess;
  /** Every script started, so that what they left in the background ends with the job. */
  scripts: ChildProcess[];
  results: AzureStepResult[];
  /** `step.var` output variables, for `dependencies.<job>.outputs`. */
  outputs: Record<string, string>;
}

/** Masks every registered secret and secret variable in `text`. */
export function agentMasked(job: AgentJob, text: string): string {
  return maskSecrets(text, [...job.masks, ...job.variables.secrets()]);
}

/** The job's status after a step ended with `result`. */
export function worsen(current: AzureResult, result: AzureResult): AzureResult {
  const rank: AzureResult[] = ['Succeeded', 'SucceededWithIssues', 'Failed', 'Canceled'];
  if (result === 'Skipped') return current;
  return rank.indexOf(result) > rank.indexOf(current) ? result : current;
}

/** The scope of a step's `condition:`: variables, and the job's status for succeeded()/failed()/canceled(). */
export function stepConditionScope(job: AgentJob, where: string): Scope {
  return {
    where,
    contexts: { variables: job.variables.context() },
    functions: {
      ...azureFunctions,
      ...azureStatusFunctions({ results: () => [job.status], cancelled: () => job.cancelled }),
    },
  };
}

/**
 * Applies the logging commands that change the job: variables (`isOutput` ones also as `step.var`), secrets,
 * and path additions. Answers the step's output variables.
 */
export function applyLoggingCommands(
  job: AgentJob,
  stepName: string | undefined,
  commands: LoggingCommand[],
): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const c of commands) {
    if (c.command === 'task.setsecret' && c.message) job.masks.add(c.message);
    if (c.command === 'task.prependpath' && c.message) job.path.unshift(c.message);
    if (c.command !== 'task.setvariable' || !c.properties.variable) continue;
    const secret = c.properties.issecret === 'true';
    const name = c.properties.variable;
    if (secret && c.message) job.masks.add(c.message);
    if (c.properties.isOutput === 'true') {
      outputs[name] = c.message;
      if (stepName) {
        job.variables.set(`${stepName}.${name}`, c.message, secret);
        job.outputs[`${stepName}.${name}`] = c.message;
      }
    } else {
      job.variables.set(name, c.message, secret);
    }
  }
  return outputs;
}
