import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as core from '@actions/core';
import type { Platform, RunContext } from '../ports.js';
import { SecretRegistry } from '../secret-forms.js';

/** The pull request number of a `pull_request*` event, read from the runner's event payload. */
function pullRequestNumber(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.GITHUB_EVENT_NAME?.startsWith('pull_request') || !env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: number };
    };
    return event.pull_request?.number;
  } catch {
    return undefined;
  }
}

function runContext(env: NodeJS.ProcessEnv): RunContext {
  return {
    platform: 'github',
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    pullRequest: pullRequestNumber(env),
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
