import { readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Logger, Platform, PullRequestContext, RunContext } from '../ports.js';
import { SecretRegistry } from '../secret-forms.js';
import { requestIdToken } from './github-oidc.js';
import { processChannel, sendKeyValue, workflowCommand, type RunnerChannel } from './github-runner.js';

/** The pull request of a `pull_request*` event, read from the runner's event payload. */
function pullRequestOf(env: NodeJS.ProcessEnv): PullRequestContext | undefined {
  if (!env.GITHUB_EVENT_NAME?.startsWith('pull_request') || !env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: number; state?: string; head?: { sha?: string; repo?: { fork?: boolean } } };
    };
    const pr = event.pull_request;
    if (typeof pr?.number !== 'number') return undefined;
    return {
      number: pr.number,
      ...(pr.head?.sha ? { headSha: pr.head.sha } : {}),
      fork: pr.head?.repo?.fork === true,
      ...(pr.state === 'open' || pr.state === 'closed' ? { state: pr.state } : {}),
    };
  } catch {
    return undefined;
  }
}

/** GitHub's API, and the run's page (`<server>/<repository>/actions/runs/<id>/attempts/<n>`). */
function codeHostOf(env: NodeJS.ProcessEnv): RunContext['codeHost'] {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const run = env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID;
  return {
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    ...(run
      ? {
          runUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`,
        }
      : {}),
  };
}

function runContext(env: NodeJS.ProcessEnv): RunContext {
  const pullRequestHead = pullRequestOf(env);
  return {
    platform: 'github',
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    pullRequest: pullRequestHead?.number,
    ...(pullRequestHead ? { pullRequestHead } : {}),
    codeHost: codeHostOf(env),
    ref: env.GITHUB_REF,
    sha: env.GITHUB_SHA,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP ?? tmpdir(),
  };
}

/** The log through workflow commands, every message redacted first. */
function runnerLog(channel: RunnerChannel, clean: (text: string) => string): Logger {
  const command = (name: string) => (message: string) => channel.write(workflowCommand(name, clean(message)));
  return {
    debug: command('debug'),
    info: (message) => channel.write(clean(message)),
    warning: command('warning'),
    error: command('error'),
    async group(title, body) {
      channel.write(workflowCommand('group', clean(title)));
      try {
        return await body();
      } finally {
        channel.write(workflowCommand('endgroup', ''));
      }
    },
  };
}

/**
 * The runner's ID tokens, when the job may request them (`permissions: id-token: write` gives it the request URL
 * and token); each token is masked as soon as it arrives.
 */
function idTokenSource(env: NodeJS.ProcessEnv, mask: (value: string) => void) {
  const [url, requestToken] = [env.ACTIONS_ID_TOKEN_REQUEST_URL, env.ACTIONS_ID_TOKEN_REQUEST_TOKEN];
  if (!url || !requestToken) return undefined;
  return async (audience: string) => {
    const token = await requestIdToken({ url, requestToken, env }, audience);
    mask(token);
    return token;
  };
}

/**
 * The GitHub Actions platform, over the runner's protocol: inputs from `INPUT_*`, outputs and state through the
 * runner's files, masks and groups through workflow commands, the job summary through `GITHUB_STEP_SUMMARY`.
 */
export function createGitHubPlatform(
  env: NodeJS.ProcessEnv = process.env,
  channel: RunnerChannel = processChannel(env),
): Platform {
  // Every form of every secret is registered with the runner and redacted here as well, before it is written.
  const registry = new SecretRegistry();
  const mask = (value: string) =>
    registry.register(value).forEach((form) => channel.write(workflowCommand('add-mask', form)));
  const clean = (text: string) => registry.redact(text);
  const log = runnerLog(channel, clean);
  const inputKey = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  return {
    inputs: { read: (name) => env[inputKey(name)]?.trim() || undefined },
    outputs: {
      set(name, value, options) {
        // An output that carries a secret is a secret output, whatever the caller said.
        if (options?.secret || registry.holdsSecret(value)) mask(value);
        sendKeyValue(channel, 'GITHUB_OUTPUT', name, value);
      },
    },
    secrets: { mask, redact: clean },
    log,
    state: {
      save: (name, value) => sendKeyValue(channel, 'GITHUB_STATE', name, value),
      get: (name) => env[`STATE_${name}`] || undefined,
    },
    summary: {
      async append(markdown) {
        if (!env.GITHUB_STEP_SUMMARY) return;
        await appendFile(env.GITHUB_STEP_SUMMARY, clean(markdown), 'utf8');
      },
    },
    result: {
      fail(message) {
        process.exitCode = 1;
        log.error(message);
      },
      succeedWithIssues: (message) => log.warning(message),
    },
    context: runContext(env),
    identity: { githubIdToken: idTokenSource(env, mask) },
    serviceConnection: () => undefined,
    now: () => performance.now(),
  };
}
