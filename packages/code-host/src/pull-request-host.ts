import { UserFacingError } from '@azpn/core';
import type { CommentStore } from './sticky-comment.js';

/** A pull request as a capability needs to know it: open or closed, and its head commit now. */
export interface PullRequestState {
  state: 'open' | 'closed';
  head?: string;
}

/** Where a repository's pull requests live: GitHub, or Azure Repos. */
export interface PullRequestHost {
  /** `github` or `azure-repos`, for messages. */
  kind: 'github' | 'azure-repos';
  /** The pull request numbered so, or undefined when the host has none. */
  pullRequest(number: number): Promise<PullRequestState | undefined>;
  /** The conversation of a pull request, where its sticky comments live. */
  comments(number: number): CommentStore;
}

/** A refusal of the code host, turned into one sentence that says what to do. */
export class CodeHostError extends UserFacingError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The sentence for a code host's refusal of `action` (HTTP status and its message). */
export function codeHostRefusal(
  kind: PullRequestHost['kind'],
  action: string,
  error: unknown,
): CodeHostError {
  const failed = error as { status?: number; statusCode?: number; message?: string };
  const status = failed.status ?? failed.statusCode;
  const host = kind === 'github' ? 'GitHub' : 'Azure DevOps';
  // Octokit appends the documentation URL to GitHub's message; the sentence keeps the message only.
  const said = (failed.message ?? String(error))
    .split('\n')[0]!
    .replace(/ - https?:\/\/\S+$/, '')
    .replace(/[.\s]+$/, '');
  const advice =
    status === 401
      ? kind === 'github'
        ? 'check the github-token input'
        : 'check that the job can read System.AccessToken'
      : status === 403 && kind === 'github'
        ? /^(read|list)\b/.test(action)
          ? 'give the job `pull-requests: read` (or write) in its permissions'
          : 'give the job `pull-requests: write` (and `issues: write` for issues) in its permissions'
        : status === 403
          ? "give the project's build service Contribute to pull requests"
          : status === 429 || /rate limit/i.test(said)
            ? 'wait for the rate limit to reset and run again'
            : 'check the repository and pull request, then run again';
  return new CodeHostError(
    `${host} refused to ${action} (${status ?? 'no status'}: ${said}): ${advice}.`,
    status,
  );
}
