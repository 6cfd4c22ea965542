/** Pull requests and their conversation on GitHub (or GitHub Enterprise Server), through `@actions/github`. */
import type { getOctokit } from '@actions/github';
import { lazily } from './lazily.js';
import { codeHostRefusal, type PullRequestHost } from './pull-request-host.js';
import type { CommentStore, StoredComment } from './sticky-comment.js';

/** A GitHub repository and the token that reaches it. */
export interface GitHubTarget {
  /** `GITHUB_API_URL`: `https://api.github.com`, or `<server>/api/v3` for Enterprise Server. */
  apiUrl: string;
  /** owner/name. */
  repository: string;
  /** The job's `GITHUB_TOKEN` (or a token with the same rights). */
  token: string;
}

type Octokit = ReturnType<typeof getOctokit>;

function commentStore(
  client: PromiseLike<Octokit>,
  repo: { owner: string; repo: string },
  number: number,
): CommentStore {
  const fail = (action: string) => (error: unknown) => {
    throw codeHostRefusal('github', action, error);
  };
  const stored = (c: { id: number; body?: string; html_url: string }): StoredComment => ({
    id: c.id,
    body: c.body ?? '',
    url: c.html_url,
  });
  return {
    list: async (marker) => {
      const octokit = await client;
      const all = await octokit
        .paginate(octokit.rest.issues.listComments, { ...repo, issue_number: number, per_page: 100 })
        .catch(fail(`list the comments of pull request #${number}`));
      return all.filter((c) => c.body?.startsWith(marker)).map(stored);
    },
    create: async (body) =>
      stored(
        (
          await (
            await client
          ).rest.issues
            .createComment({ ...repo, issue_number: number, body })
            .catch(fail(`comment on pull request #${number}`))
        ).data,
      ),
    update: async (comment, body) =>
      stored(
        (
          await (
            await client
          ).rest.issues
            .updateComment({ ...repo, comment_id: comment.id, body })
            .catch(fail(`update comment ${comment.id} of pull request #${number}`))
        ).data,
      ),
    remove: async (comment) => {
      await (
        await client
      ).rest.issues
        .deleteComment({ ...repo, comment_id: comment.id })
        .catch((error: { status?: number }) => {
          if (error.status !== 404) fail(`delete duplicate comment ${comment.id}`)(error);
        });
    },
    currentHead: async () =>
      (
        await (
          await client
        ).rest.pulls
          .get({ ...repo, pull_number: number })
          .catch(fail(`read pull request #${number}`))
      ).data.head.sha,
  };
}

/**
 * The pull requests of a GitHub repository. The client is loaded on the first call (@actions/github and the undici
 * it brings cost milliseconds of every start that a run without a comment never needs).
 */
export function gitHubPullRequests(target: GitHubTarget): PullRequestHost {
  const octokit = lazily(() =>
    import('@actions/github').then(({ getOctokit }) =>
      getOctokit(target.token, { baseUrl: target.apiUrl.replace(/\/$/, '') }),
    ),
  );
  const [owner = '', name = ''] = target.repository.split('/');
  const repo = { owner, repo: name };
  return {
    kind: 'github',
    pullRequest: async (number) => {
      try {
        const { data } = await (await octokit).rest.pulls.get({ ...repo, pull_number: number });
        return { state: data.state === 'open' ? 'open' : 'closed', head: data.head.sha };
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw codeHostRefusal('github', `read pull request #${number}`, error);
      }
    },
    comments: (number) => commentStore(octokit, repo, number),
  };
}
