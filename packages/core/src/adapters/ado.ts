// First: the agent's environment, copied before its secrets are taken out of process.env.
import { agentEnvironment, agentInputKey } from './ado-env.js';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger, Platform, PullRequestContext, RunContext, ServiceConnection } from '../ports.js';
import { SecretRegistry } from '../secret-forms.js';
import {
  agentVariable,
  loggingCommand,
  processChannel,
  variableKey,
  type AgentChannel,
  type AgentEnvironment,
} from './ado-agent.js';

/**
 * Task input names must match `^[A-Za-z][A-Za-z0-9]*$`, so the manifests spell `resource-group` as
 * `resourceGroup`; the same applies to output variable names.
 */
export function adoName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The pull request of a PR build: its id, source commit and whether it comes from a fork. */
function pullRequestOf(variable: (name: string) => string | undefined): PullRequestContext | undefined {
  const pr = variable('System.PullRequest.PullRequestNumber') ?? variable('System.PullRequest.PullRequestId');
  if (!pr) return undefined;
  const head = variable('System.PullRequest.SourceCommitId');
  return {
    number: Number(pr),
    ...(head ? { headSha: head } : {}),
    fork: variable('System.PullRequest.IsFork')?.toLowerCase() === 'true',
  };
}

/** The organisation's collection, the project and repository, and the build's results page. */
function codeHostOf(variable: (name: string) => string | undefined): RunContext['codeHost'] {
  const collection = variable('System.CollectionUri') ?? variable('System.TeamFoundationCollectionUri');
  if (!collection) return undefined;
  const project = variable('System.TeamProject');
  const buildId = variable('Build.BuildId');
  const repositoryId = variable('Build.Repository.ID');
  return {
    apiUrl: collection,
    ...(project ? { project } : {}),
    ...(repositoryId ? { repositoryId } : {}),
    ...(project && buildId
      ? {
          runUrl: `${collection.replace(/\/?$/, '/')}${encodeURIComponent(project)}/_build/results?buildId=${buildId}`,
        }
      : {}),
  };
}

function runContext(env: AgentEnvironment): RunContext {
  const variable = (name: string) => agentVariable(env, name);
  const pullRequestHead = pullRequestOf(variable);
  const codeHost = codeHostOf(variable);
  return {
    platform: 'azure-devops',
    repository: variable('Build.Repository.Name'),
    runId: variable('Build.BuildId'),
    runAttempt: variable('System.JobAttempt'),
    pullRequest: pullRequestHead?.number,
    ...(pullRequestHead ? { pullRequestHead } : {}),
    ...(codeHost ? { codeHost } : {}),
    ref: variable('Build.SourceBranch'),
    sha: variable('Build.SourceVersion'),
    workspace:
      variable('Build.SourcesDirectory') ?? variable('System.DefaultWorkingDirectory') ?? process.cwd(),
    tempDir: variable('Agent.TempDirectory') ?? tmpdir(),
  };
}

/** Keys of the `ENDPOINT_DATA_<id>_<KEY>` variables of a service connection. */
function endpointDataKeys(id: string, env: AgentEnvironment): string[] {
  const prefix = `ENDPOINT_DATA_${id}_`.toUpperCase();
  return Object.keys(env)
    .filter((key) => key.toUpperCase().startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}

function lowerKeys(record: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** `ENDPOINT_AUTH_<id>` as the agent writes it, or undefined when absent or not that shape (never echoed). */
function endpointAuthorization(id: string, env: AgentEnvironment) {
  try {
    const parsed = JSON.parse(env[`ENDPOINT_AUTH_${id}`] ?? '') as {
      scheme?: unknown;
      parameters?: Record<string, string>;
    };
    return typeof parsed.scheme === 'string'
      ? { scheme: parsed.scheme, parameters: parsed.parameters }
      : undefined;
  } catch {
    return undefined;
  }
}

function serviceConnection(idOrInput: string, env: AgentEnvironment): ServiceConnection | undefined {
  // A connectedService input holds the endpoint id; accept the id itself too.
  const id = env[agentInputKey(adoName(idOrInput))]?.trim() || idOrInput;
  const authorization = endpointAuthorization(id, env);
  if (!authorization) return undefined;
  const data: Record<string, string> = {};
  for (const key of endpointDataKeys(id, env)) {
    const value = env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`];
    if (value !== undefined) data[key.toLowerCase()] = value;
  }
  return {
    id,
    url: env[`ENDPOINT_URL_${id}`],
    scheme: authorization.scheme,
    parameters: lowerKeys(authorization.parameters),
    data,
  };
}

/** The task log: plain lines, `task.debug`, and warnings and errors as issues, every message redacted first. */
function agentLog(channel: AgentChannel, clean: (text: string) => string): Logger {
  const issue = (type: string) => (message: string) =>
    channel.write(
      loggingCommand('task.issue', clean(message), {
        type,
        source: 'TaskInternal',
        correlationId: channel.env['COMMAND_CORRELATION_ID'],
      }),
    );
  return {
    debug: (message) => channel.write(loggingCommand('task.debug', clean(message))),
    info: (message) => channel.write(clean(message)),
    warning: issue('warning'),
    error: issue('error'),
    async group(title, body) {
      channel.write(`##[group]${clean(title)}`);
      try {
        return await body();
      } finally {
        channel.write('##[endgroup]');
      }
    },
  };
}

/**
 * The Azure DevOps platform, over the agent's protocol: inputs from `INPUT_*`, output variables with
 * `isOutput`/`issecret`, task variables for main→post state, and summaries uploaded as markdown attachments.
 */
export function createAzureDevOpsPlatform(
  env: AgentEnvironment = agentEnvironment,
  channel: AgentChannel = processChannel(env),
): Platform {
  const context = runContext(env);
  const command = (name: string, message: string, properties?: Record<string, string | undefined>) =>
    channel.write(loggingCommand(name, message, properties));
  // Every form of every secret is registered with the agent and redacted here as well, before it is written.
  const registry = new SecretRegistry();
  // The agent takes no multi-line secret: each line of such a form is registered instead (the single-line,
  // escaped forms of the whole value are registered as they are).
  const mask = (value: string) =>
    registry
      .register(value)
      .flatMap((form) => form.split(/\r?\n/))
      .filter((line) => line.trim() !== '')
      .forEach((line) => command('task.setsecret', line));
  const clean = (text: string) => registry.redact(text);
  const log = agentLog(channel, clean);
  const complete = (result: 'Failed' | 'SucceededWithIssues', message: string) => {
    (result === 'Failed' ? log.error : log.warning)(message);
    command('task.complete', clean(message), { result });
  };
  return {
    inputs: { read: (name) => env[agentInputKey(adoName(name))]?.trim() || undefined },
    outputs: {
      set(name, value, options) {
        // An output that carries a secret is a secret variable, whatever the caller said.
        const secret = (options?.secret ?? false) || registry.holdsSecret(value);
        if (secret) mask(value);
        if (secret && /[\r\n]/.test(value)) {
          log.warning(
            `Output ${name} is a secret of several lines, which Azure DevOps cannot hold in a secret variable: it is not published.`,
          );
          return;
        }
        command('task.setvariable', value, {
          variable: adoName(name),
          isOutput: 'true',
          issecret: String(secret),
        });
      },
    },
    secrets: { mask, redact: clean },
    log,
    state: {
      save: (name, value) => command('task.settaskvariable', value, { variable: name, issecret: 'false' }),
      get: (name) => env[`VSTS_TASKVARIABLE_${variableKey(name)}`]?.trim() || undefined,
    },
    summary: {
      async append(markdown) {
        const file = join(context.tempDir, `azpn-summary-${randomUUID()}.md`);
        writeFileSync(file, clean(markdown));
        command('task.uploadsummary', file);
      },
    },
    result: {
      fail: (message) => complete('Failed', message),
      succeedWithIssues: (message) => complete('SucceededWithIssues', message),
    },
    context,
    identity: {
      azureDevOpsAccessToken: agentVariable(env, 'System.AccessToken'),
      azureDevOpsOidcRequestUri: agentVariable(env, 'System.OidcRequestUri'),
    },
    serviceConnection: (idOrInput) => serviceConnection(idOrInput, env),
    now: () => performance.now(),
  };
}
