/**
 * `script:` and `bash:` steps on a Linux agent: macros expanded in the script (secrets included, masked in the
 * log), bash runs the file, the exit code decides (and `failOnStderr`), logging commands act as from a task.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseLoggingCommands } from '@azpn/action-host';
import { toText, truthy, toValue } from '../expressions/values.js';
import { hostEnvironment } from '../host-environment.js';
import { startScript } from '../shell-process.js';
import { agentMasked, applyLoggingCommands, type AgentJob } from './agent-job.js';
import type { PipelineStep } from './pipeline-file.js';
import type { AzureResult, AzureStepResult } from './results.js';

function issues(commands: ReturnType<typeof parseLoggingCommands>, type: string): string[] {
  return commands
    .filter(
      (c) => (c.command === 'task.logissue' || c.command === 'task.issue') && c.properties.type === type,
    )
    .map((c) => c.message);
}

/** Runs a script step and answers its result. */
export async function runScriptStep(
  job: AgentJob,
  step: PipelineStep,
  result: AzureStepResult,
): Promise<AzureResult> {
  const script = job.variables.expand(String(step.script ?? step.bash));
  const dir = join(job.dir, 'steps', `${result.index}-main`);
  mkdirSync(dir, { recursive: true });
  const stepEnv = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, job.variables.expand(toText(toValue(v)))]),
  );
  const env = { ...hostEnvironment(), ...job.options.agentEnv, ...job.variables.environment(), ...stepEnv };
  if (job.path.length) env.PATH = [...job.path, env.PATH ?? ''].join(':');
  const directory = step.workingDirectory ? job.variables.expand(step.workingDirectory) : undefined;
  const cwd = directory
    ? isAbsolute(directory)
      ? directory
      : join(job.workspace, directory)
    : job.workspace;
  const started = startScript(script, {
    shell: 'azure-bash',
    dir,
    cwd,
    env,
    timeoutMs: job.options.stepTimeoutMs,
  });
  job.running = started.child;
  job.scripts.push(started.child);
  job.options.onStep?.({ job: job.name, step: result.displayName, index: result.index, stage: 'main' });
  const end = await started.end;
  job.running = undefined;
  const commands = parseLoggingCommands(end.stdout);
  result.outputs = applyLoggingCommands(job, step.name, commands);
  result.summaries = commands
    .filter((c) => c.command === 'task.uploadsummary' && existsSync(c.message))
    .map((c) => readFileSync(c.message, 'utf8'));
  result.log = agentMasked(job, end.stdout + end.stderr);
  result.errors = issues(commands, 'error').map((e) => agentMasked(job, e));
  result.warnings.push(...issues(commands, 'warning'));
  result.exitCode = end.exitCode;
  const complete = commands.find((c) => c.command === 'task.complete')?.properties.result as
    AzureResult | undefined;
  if (end.exitCode !== 0) return 'Failed';
  if (truthy(toValue(step.failOnStderr ?? false)) && end.stderr.trim() !== '') return 'Failed';
  return complete ?? 'Succeeded';
}
