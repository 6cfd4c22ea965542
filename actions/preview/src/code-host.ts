import { InputError, UserFacingError, type Platform } from '@azpn/core';
import {
  azureReposPullRequests,
  gitHubPullRequests,
  writeStickyComment,
  type CommentStore,
  type PullRequestHost,
  type StickyResult,
} from '@azpn/code-host';
import type { CodeHostAccess } from './config.js';

/** The hidden marker that finds the preview's comment among a pull request's comments. */
export const previewMarker = '<!-- azpn-preview -->';

/** The pull requests of the run's repository: on GitHub with the github-token input, on Azure Repos with System.AccessToken. */
export function openCodeHost(platform: Platform, access: CodeHostAccess): PullRequestHost {
  const codeHost = platform.context.codeHost;
  if (platform.context.platform === 'github') {
    if (!access.token)
      throw new InputError(
        'github-token',
        'Input github-token is empty: leave it at its default (${{ github.token }}) or pass a token that can write pull request comments.',
      );
    return gitHubPullRequests({
      apiUrl: codeHost?.apiUrl ?? 'https://api.github.com',
      repository: access.repository,
      token: access.token,
    });
  }
  if (codeHost?.project === undefined || !access.token)
    throw new UserFacingError(
      'The agent gave the task no System.CollectionUri, System.TeamProject or System.AccessToken: run it in a pipeline job of an Azure Repos repository, or set comment to false.',
    );
  return azureReposPullRequests({
    collectionUri: codeHost.apiUrl,
    project: codeHost.project,
    repositoryId: codeHost.repositoryId ?? access.repository,
    token: access.token,
  });
}

/** A number that grows with each run and its attempts: later runs for one head win. */
function runSequence(platform: Platform): number {
  const run = Number(platform.context.runId ?? 0) || 0;
  const attempt = Number(platform.context.runAttempt ?? 1) || 1;
  return run * 1000 + attempt;
}

/**
 * Writes the preview's sticky comment (redacted: no registered secret in any form reaches it), logs when a newer run
 * owns it, and publishes its id and URL.
 */
export async function postPreviewComment(
  platform: Platform,
  comments: CommentStore,
  head: string | undefined,
  content: string,
): Promise<StickyResult> {
  const author = { ...(head ? { head } : {}), sequence: runSequence(platform) };
  const result = await writeStickyComment(comments, previewMarker, author, platform.secrets.redact(content));
  if (!result.written) platform.log.info(`The preview comment was left as it is: ${result.reason}.`);
  if (result.comment) {
    platform.outputs.set('comment-id', String(result.comment.id));
    platform.outputs.set('comment-url', result.comment.url);
  }
  return result;
}
