/**
 * `task:` steps of this repository's tasks, run as the agent runs them through `@azpn/action-host`: inputs with
 * macros expanded and aliases resolved, a service connection named by the pipeline resolved to its id and handed
 * over as `ENDPOINT_*`, the job's variables (secrets as secrets), and for a task with `postjobexecution` the
 * post-job run with the task variables its main run set.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startAzureDevOpsTask, type AgentEndpoint, type AzureDevOpsTaskResult } from '@azpn/action-host';
import { hostEnvironment } from '../host-environment.js';
import { agentMasked, applyLoggingCommands, type AgentJob } from './agent-job.js';
import type { PipelineStep } from './pipeline-file.js';
import type { AzureStepResult } from './results.js';
import type { CatalogTask } from './task-catalog.js';

/** The inputs of a task step as the agent hands them over, and the connections they name. */
export function taskInputs(
  job: AgentJob,
  task: CatalogTask,
  step: PipelineStep,
): { inputs: Record<string, string>; endpoints: Record<string, AgentEndpoint>; warnings: string[] } {
  const inputs: Record<string, string> = {};
  const endpoints: Record<string, AgentEndpoint> = {};
  const warnings: string[] = [];
  const declared = task.manifest.inputs ?? [];
  for (const [given, raw] of Object.entries(step.inputs ?? {})) {
    const input = declared.find(
      (i) =>
        i.name.toLowerCase() === given.toLowerCase() ||
        i.aliases?.some((a) => a.toLowerCase() === given.toLowerCase()),
    );
    if (!input) {
      warnings.push(`Input ${given} is not an input of ${task.manifest.name}; the agent ignores it.`);
      continue;
    }
    let value = job.variables.expand(typeof raw === 'string' ? raw : JSON.stringify(raw));
    if (input.type.startsWith('connectedService')) {
      const connection =
        job.options.serviceConnections?.[value] ??
        Object.values(job.options.serviceConnections ?? {}).find((c) => c.id === value);
      if (!connection)
        throw new Error(
          `The step input ${given} references service connection ${value}, which could not be found: authorize it for the pipeline (pass it in serviceConnections).`,
        );
      endpoints[connection.id] = connection.endpoint;
      value = connection.id;
    }
    inputs[input.name] = value;
  }
  return { inputs, endpoints, warnings };
}

function pathVariable(job: AgentJob): Record<string, string> {
  const base = job.options.agentEnv?.PATH;
  if (!job.path.length) return base ? { PATH: base } : {};
  return { PATH: [...job.path, base ?? hostEnvironment().PATH ?? ''].join(':') };
}

/** A main run the post-job run follows. */
export interface TaskRun {
  task: CatalogTask;
  step: PipelineStep;
  result: AzureStepResult;
  taskVariables: Record<string, string>;
}

/** Runs the main (`execution`) or post-job (`postjobexecution`) entry of a task and applies what it reported. */
export async function runTask(
  job: AgentJob,
  run: {
    task: CatalogTask;
    step: PipelineStep;
    result: AzureStepResult;
    stage: 'main' | 'post';
    taskVariables?: Record<string, string>;
  },
): Promise<AzureDevOpsTaskResult> {
  const { inputs, endpoints, warnings } = taskInputs(job, run.task, run.step);
  run.result.warnings.push(...warnings);
  run.result.inputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, agentMasked(job, v)]));
  const workDir = join(job.dir, 'steps', `${run.result.index}-${run.stage}`);
  mkdirSync(workDir, { recursive: true });
  const { variables, secretVariables } = job.variables.forTask();
  const started = startAzureDevOpsTask({
    taskDir: run.task.dir,
    stage: run.stage,
    inputs,
    endpoints,
    // action-host hands variables over as environment variables, so the agent's own environment goes that way too.
    variables: { ...job.options.agentEnv, ...job.options.agentVariables, ...variables, ...pathVariable(job) },
    secretVariables: { ...job.options.agentSecrets, ...secretVariables },
    taskVariables: run.taskVariables,
    workDir,
    timeoutMs: job.options.stepTimeoutMs,
  });
  job.running = started.child;
  job.options.onStep?.({
    job: job.name,
    step: run.result.displayName,
    index: run.result.index,
    stage: run.stage,
  });
  const outcome = await started.finish();
  job.running = undefined;
  for (const secret of outcome.secrets) job.masks.add(secret);
  run.result.outputs = applyLoggingCommands(job, run.step.name, outcome.commands);
  run.result.summaries = outcome.summaries;
  run.result.log = agentMasked(job, outcome.stdout + outcome.stderr);
  run.result.errors = outcome.errors.map((e) => agentMasked(job, e));
  run.result.warnings.push(...outcome.warnings);
  run.result.exitCode = outcome.exitCode;
  return outcome;
}
