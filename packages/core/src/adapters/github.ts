import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as core from '@actions/core';
import type { Platform, PullRequestContext, RunContext } from '../ports.js';
import { SecretRegistry } from '../secret-forms.js';

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

/**
 * The GitHub Actions platform, over `@actions/core`: inputs from `INPUT_*`, outputs and state through the
 * runner's files, masks and groups through workflow commands, the job summary through `GITHUB_STEP_SUMMARY`.
 */
export function createGitHubPlatform(env: NodeJS.ProcessEnv = process.env): Platform {
  // Every form of every secret is registered with the runner and redacted here as well, before it is written.
  const registry = new SecretRegistry();
  const mask = (value: string) => registry.register(value).forEach((form) => core.setSecret(form));
  const clean = (text: string) => registry.redact(text);
  return {
    inputs: { read: (name) => core.getInput(name) || undefined },
    outputs: {
      set(name, value, options) {
        // An output that carries a secret is a secret output, whatever the caller said.
        if (options?.secret || registry.holdsSecret(value)) mask(value);
        core.setOutput(name, value);
      },
    },
    secrets: { mask, redact: clean },
    log: {
      debug: (message) => core.debug(clean(message)),
      info: (message) => core.info(clean(message)),
      warning: (message) => core.warning(clean(message)),
      error: (message) => core.error(clean(message)),
      group: (title, body) => core.group(clean(title), body),
    },
    state: {
      save: (name, value) => core.saveState(name, value),
      get: (name) => core.getState(name) || undefined,
    },
    summary: {
      async append(markdown) {
        if (!env.GITHUB_STEP_SUMMARY) return;
        await core.summary.addRaw(clean(markdown)).write();
      },
    },
    result: {
      fail: (message) => core.setFailed(clean(message)),
      succeedWithIssues: (message) => core.warning(clean(message)),
    },
    context: runContext(env),
    identity: {
      githubIdToken: env.ACTIONS_ID_TOKEN_REQUEST_URL ? (audience) => core.getIDToken(audience) : undefined,
    },
    serviceConnection: () => undefined,
    now: () => performance.now(),
  };
}

/** @deprecated The old spelling of {@link createGitHubPlatform}, kept while other branches move over. */
export const createGithubPlatform = createGitHubPlatform;
