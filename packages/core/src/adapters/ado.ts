// First: snapshot the environment before the task library consumes it.
import { agentEnvironment, agentInputKey } from './ado-env.js';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { Platform, PullRequestContext, RunContext, ServiceConnection } from '../ports.js';
import { SecretRegistry } from '../secret-forms.js';

/**
 * Task input names must match `^[A-Za-z][A-Za-z0-9]*$`, so the manifests spell `resource-group` as
 * `resourceGroup`; the same applies to output variable names.
 */
export function adoName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function variable(name: string): string | undefined {
  return tl.getVariable(name) || undefined;
}

/** The pull request of a PR build: its id, source commit and whether it comes from a fork. */
function pullRequestOf(): PullRequestContext | undefined {
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
function codeHostOf(): RunContext['codeHost'] {
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

function runContext(): RunContext {
  const pullRequestHead = pullRequestOf();
  const codeHost = codeHostOf();
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

/** Keys of `ENDPOINT_DATA_<id>_<KEY>` variables, which the task library can read but not list. */
function endpointDataKeys(id: string, env: NodeJS.ProcessEnv): string[] {
  const prefix = `ENDPOINT_DATA_${id}_`.toUpperCase();
  return Object.keys(env)
    .filter((key) => key.toUpperCase().startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}

function lowerKeys(record: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

function serviceConnection(idOrInput: string, env: NodeJS.ProcessEnv): ServiceConnection | undefined {
  // A connectedService input holds the endpoint id; accept the id itself too.
  const id = agentEnvironment[agentInputKey(adoName(idOrInput))]?.trim() || idOrInput;
  const authorization = tl.getEndpointAuthorization(id, true);
  if (!authorization) return undefined;
  const data: Record<string, string> = {};
  for (const key of endpointDataKeys(id, env)) {
    const value = tl.getEndpointDataParameter(id, key, true);
    if (value !== undefined) data[key.toLowerCase()] = value;
  }
  return {
    id,
    url: tl.getEndpointUrl(id, true),
    scheme: authorization.scheme,
    parameters: lowerKeys(authorization.parameters),
    data,
  };
}

/**
 * The Azure DevOps platform, over `azure-pipelines-task-lib`: inputs from `INPUT_*`, output variables with
 * `isOutput`/`issecret`, task variables for main→post state, and summaries uploaded as markdown attachments.
 */
export function createAzureDevOpsPlatform(env: NodeJS.ProcessEnv = process.env): Platform {
  const context = runContext();
  // Every form of every secret is registered with the agent and redacted here as well, before it is written.
  const registry = new SecretRegistry();
  // The agent takes no multi-line secret: each line of such a form is registered instead (the single-line,
  // escaped forms of the whole value are registered as they are).
  const mask = (value: string) =>
    registry
      .register(value)
      .flatMap((form) => form.split(/\r?\n/))
      .filter((line) => line.trim() !== '')
      .forEach((line) => tl.setSecret(line));
  const clean = (text: string) => registry.redact(text);
  return {
    inputs: { read: (name) => agentEnvironment[agentInputKey(adoName(name))]?.trim() || undefined },
    outputs: {
      set(name, value, options) {
        // An output that carries a secret is a secret variable, whatever the caller said.
        const secret = (options?.secret ?? false) || registry.holdsSecret(value);
        if (secret) mask(value);
        if (secret && /[\r\n]/.test(value)) {
          tl.warning(
            `Output ${name} is a secret of several lines, which Azure DevOps cannot hold in a secret variable: it is not published.`,
          );
          return;
        }
        tl.setVariable(adoName(name), value, secret, true);
      },
    },
    secrets: { mask, redact: clean },
    log: {
      debug: (message) => tl.debug(clean(message)),
      info: (message) => console.log(clean(message)),
      warning: (message) => tl.warning(clean(message)),
      error: (message) => tl.error(clean(message)),
      async group(title, body) {
        console.log(`##[group]${clean(title)}`);
        try {
          return await body();
        } finally {
          console.log('##[endgroup]');
        }
      },
    },
    state: {
      save: (name, value) => tl.setTaskVariable(name, value),
      get: (name) => tl.getTaskVariable(name) || undefined,
    },
    summary: {
      async append(markdown) {
        const file = join(context.tempDir, `azpn-summary-${randomUUID()}.md`);
        writeFileSync(file, clean(markdown));
        tl.uploadSummary(file);
      },
    },
    result: {
      fail: (message) => tl.setResult(tl.TaskResult.Failed, clean(message)),
      succeedWithIssues: (message) => tl.setResult(tl.TaskResult.SucceededWithIssues, clean(message)),
    },
    context,
    identity: {
      azureDevOpsAccessToken: variable('System.AccessToken'),
      azureDevOpsOidcRequestUri: variable('System.OidcRequestUri'),
    },
    serviceConnection: (idOrInput) => serviceConnection(idOrInput, env),
    now: () => performance.now(),
  };
}
