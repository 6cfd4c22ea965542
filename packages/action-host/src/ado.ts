import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseLoggingCommands, type LoggingCommand } from './ado-commands.js';
import { readTaskManifest } from './manifest.js';
import {
  baseEnvironment,
  maskSecrets,
  startNodeProcess,
  type ProcessOutcome,
  type StartedProcess,
} from './process.js';

/** A service connection as the agent hands it to a task. */
export interface AgentEndpoint {
  url?: string;
  scheme: string;
  parameters: Record<string, string>;
  data?: Record<string, string>;
}

/** How to start a task as the Azure DevOps agent does. */
export interface AzureDevOpsTaskOptions {
  /** The folder holding `task.json`. */
  taskDir: string;
  /** `main` (the `execution` handler, default) or `post` (`postjobexecution`). */
  stage?: 'main' | 'post';
  /** Input values by their task.json names; `defaultValue`s fill the rest. */
  inputs?: Record<string, string>;
  /** Service connections by id. */
  endpoints?: Record<string, AgentEndpoint>;
  /** Pipeline variables (`System.OidcRequestUri`, …); secret ones go through `secretVariables`. */
  variables?: Record<string, string>;
  secretVariables?: Record<string, string>;
  /** Task variables set by an earlier stage of the same task (`task.settaskvariable`). */
  taskVariables?: Record<string, string>;
  /** The agent's scratch folder (Agent.TempDirectory below it); a fresh temporary one when omitted. */
  workDir?: string;
  /**
   * The repository checkout: `Build.SourcesDirectory` and `System.DefaultWorkingDirectory`, and the task's working
   * directory, as on an agent. File inputs must lie inside it. The current directory when omitted.
   */
  workspace?: string;
  timeoutMs?: number;
}

/** What the agent would record of a finished task. */
export interface AzureDevOpsTaskResult extends ProcessOutcome {
  /** `Succeeded`, `SucceededWithIssues`, `Failed`, … from `task.complete`, or derived from the exit code. */
  result: string;
  resultMessage: string;
  /** Output variables set with `isOutput=true`. */
  outputs: Record<string, { value: string; secret: boolean }>;
  taskVariables: Record<string, string>;
  secrets: string[];
  summaries: string[];
  commands: LoggingCommand[];
  /** The messages of error issues (`task.logissue type=error`). */
  errors: string[];
  /** The messages of warning issues (`task.logissue type=warning`). */
  warnings: string[];
  log: string;
  failed: boolean;
  workDir: string;
}

function variableKey(name: string): string {
  return name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase();
}

function endpointEnvironment(endpoints: Record<string, AgentEndpoint>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [id, endpoint] of Object.entries(endpoints)) {
    if (endpoint.url) env[`ENDPOINT_URL_${id}`] = endpoint.url;
    env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ parameters: endpoint.parameters, scheme: endpoint.scheme });
    env[`ENDPOINT_AUTH_SCHEME_${id}`] = endpoint.scheme;
    for (const [key, value] of Object.entries(endpoint.parameters))
      env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
    for (const [key, value] of Object.entries(endpoint.data ?? {}))
      env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
  }
  return env;
}

/** The messages of issues of one type; the agent takes `task.issue`, the task library's spelling, as `task.logissue`. */
function issues(commands: LoggingCommand[], type: 'error' | 'warning'): string[] {
  return commands
    .filter(
      (c) => (c.command === 'task.logissue' || c.command === 'task.issue') && c.properties.type === type,
    )
    .map((c) => c.message);
}

/** Starts a task without waiting; `finish` reads back what it recorded. */
export function startAzureDevOpsTask(
  options: AzureDevOpsTaskOptions,
): StartedProcess & { finish(): Promise<AzureDevOpsTaskResult> } {
  const taskDir = resolve(options.taskDir);
  const manifest = readTaskManifest(join(taskDir, 'task.json'));
  const handlers = options.stage === 'post' ? manifest.postjobexecution : manifest.execution;
  const handler = handlers?.Node24 ?? handlers?.Node20_1;
  if (!handler)
    throw new Error(`${taskDir}/task.json has no Node24 or Node20_1 ${options.stage ?? 'main'} handler`);
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'azpn-ado-'));
  const workspace = resolve(options.workspace ?? process.cwd());
  const tempDir = join(workDir, '_temp');
  mkdirSync(tempDir, { recursive: true });
  const env: Record<string, string | undefined> = {
    TF_BUILD: 'True',
    AGENT_TEMPDIRECTORY: tempDir,
    SYSTEM_DEFAULTWORKINGDIRECTORY: workspace,
    BUILD_SOURCESDIRECTORY: workspace,
    ...endpointEnvironment(options.endpoints ?? {}),
  };
  for (const input of manifest.inputs ?? []) {
    const value = options.inputs?.[input.name] ?? input.defaultValue;
    if (value !== undefined) env[`INPUT_${variableKey(input.name)}`] = String(value);
  }
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!manifest.inputs?.some((i) => i.name === name))
      throw new Error(`${taskDir}/task.json declares no input "${name}"`);
  }
  for (const [name, value] of Object.entries(options.variables ?? {})) env[variableKey(name)] = value;
  for (const [name, value] of Object.entries(options.secretVariables ?? {}))
    env[`SECRET_${variableKey(name)}`] = value;
  for (const [name, value] of Object.entries(options.taskVariables ?? {}))
    env[`VSTS_TASKVARIABLE_${variableKey(name)}`] = value;
  const started = startNodeProcess(join(taskDir, handler.target), baseEnvironment(env), {
    cwd: workspace,
    timeoutMs: options.timeoutMs,
  });
  const finish = async (): Promise<AzureDevOpsTaskResult> => {
    const outcome = await started.outcome;
    const commands = parseLoggingCommands(outcome.stdout);
    const outputs: AzureDevOpsTaskResult['outputs'] = {};
    const taskVariables: Record<string, string> = {};
    const secrets = new Set(Object.values(options.secretVariables ?? {}));
    const summaries: string[] = [];
    let complete: LoggingCommand | undefined;
    for (const c of commands) {
      if (c.command === 'task.setsecret') secrets.add(c.message);
      if (c.command === 'task.setvariable') {
        const secret = c.properties.issecret === 'true';
        if (secret) secrets.add(c.message);
        if (c.properties.isOutput === 'true' && c.properties.variable)
          outputs[c.properties.variable] = { value: c.message, secret };
      }
      if (c.command === 'task.settaskvariable' && c.properties.variable)
        taskVariables[c.properties.variable] = c.message;
      if (c.command === 'task.uploadsummary' && existsSync(c.message))
        summaries.push(readFileSync(c.message, 'utf8'));
      if (c.command === 'task.complete') complete = c;
    }
    const result = complete?.properties.result ?? (outcome.exitCode === 0 ? 'Succeeded' : 'Failed');
    return {
      ...outcome,
      result,
      resultMessage: complete?.message ?? '',
      outputs,
      taskVariables,
      secrets: [...secrets],
      summaries,
      commands,
      errors: issues(commands, 'error'),
      warnings: issues(commands, 'warning'),
      log: maskSecrets(outcome.stdout, secrets),
      failed: result === 'Failed' || outcome.exitCode !== 0,
      workDir,
    };
  };
  return { ...started, finish };
}

/** Runs a task to completion as the Azure DevOps agent would, and reads back what it recorded. */
export function runAzureDevOpsTask(options: AzureDevOpsTaskOptions): Promise<AzureDevOpsTaskResult> {
  return startAzureDevOpsTask(options).finish();
}
