/**
 * Pull requests and their comment threads on Azure Repos, through `azure-devops-node-api` with the pipeline's access
 * token. A sticky comment is a thread whose first comment carries the marker; a duplicate thread (a concurrent run's)
 * cannot be deleted, so its comment is deleted and the thread closed.
 */
import type { IGitApi } from 'azure-devops-node-api/GitApi.js';
import {
  CommentThreadStatus,
  CommentType,
  PullRequestStatus,
  type GitPullRequestCommentThread,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { lazily } from './lazily.js';
import { codeHostRefusal, type PullRequestHost } from './pull-request-host.js';
import type { CommentStore, StoredComment } from './sticky-comment.js';

/** An Azure Repos repository and the token that reaches it. */
export interface AzureReposTarget {
  /** `System.CollectionUri`, ending in `/`. */
  collectionUri: string;
  /** `System.TeamProject`. */
  project: string;
  /** `Build.Repository.ID` (or the repository's name). */
  repositoryId: string;
  /** `System.AccessToken`. */
  token: string;
}

function threadComment(
  thread: GitPullRequestCommentThread,
  target: AzureReposTarget,
  number: number,
): StoredComment {
  const first = thread.comments?.[0];
  const web = `${target.collectionUri.replace(/\/?$/, '/')}${encodeURIComponent(target.project)}/_git/${encodeURIComponent(target.repositoryId)}/pullrequest/${number}`;
  return {
    id: thread.id ?? 0,
    body: first?.content ?? '',
    url: `${web}?discussionId=${thread.id}`,
    part: first?.id ?? 1,
  };
}

function threadStore(git: PromiseLike<IGitApi>, target: AzureReposTarget, number: number): CommentStore {
  const { repositoryId, project } = target;
  const call = async <T>(action: string, body: (api: IGitApi) => Promise<T>): Promise<T> => {
    try {
      return await body(await git);
    } catch (error) {
      throw codeHostRefusal('azure-repos', action, error);
    }
  };
  return {
    list: async (marker) => {
      const threads = await call(`list the threads of pull request ${number}`, (api) =>
        api.getThreads(repositoryId, number, project),
      );
      return threads
        .filter(
          (t) => !t.isDeleted && !t.comments?.[0]?.isDeleted && t.comments?.[0]?.content?.startsWith(marker),
        )
        .map((t) => threadComment(t, target, number));
    },
    create: async (body) => {
      const thread = {
        comments: [{ content: body, parentCommentId: 0, commentType: CommentType.Text }],
        status: CommentThreadStatus.Active,
      };
      const created = await call(`comment on pull request ${number}`, (api) =>
        api.createThread(thread, repositoryId, number, project),
      );
      return threadComment(created, target, number);
    },
    update: async (comment, body) => {
      await call(`update thread ${comment.id} of pull request ${number}`, (api) =>
        api.updateComment({ content: body }, repositoryId, number, comment.id, comment.part ?? 1, project),
      );
      return { ...comment, body };
    },
    remove: async (comment) => {
      await call(`close duplicate thread ${comment.id}`, async (api) => {
        await api.deleteComment(repositoryId, number, comment.id, comment.part ?? 1, project);
        await api.updateThread(
          { status: CommentThreadStatus.Closed },
          repositoryId,
          number,
          comment.id,
          project,
        );
      });
    },
    currentHead: async () => {
      const pull = await call(`read pull request ${number}`, (api) =>
        api.getPullRequestById(number, project),
      );
      return pull?.lastMergeSourceCommit?.commitId ?? undefined;
    },
  };
}

/** The pull requests of an Azure Repos repository. */
export function azureReposPullRequests(target: AzureReposTarget): PullRequestHost {
  // The client is loaded on the first call: its module set-up costs milliseconds of every start.
  const git = lazily(() =>
    import('./azure-devops-connection.js').then(({ connectAzureDevOps }) =>
      connectAzureDevOps(target.collectionUri, target.token).getGitApi(),
    ),
  );
  return {
    kind: 'azure-repos',
    pullRequest: async (number) => {
      let pull;
      try {
        pull = await (await git).getPullRequestById(number, target.project);
      } catch (error) {
        throw codeHostRefusal('azure-repos', `read pull request ${number}`, error);
      }
      if (pull === null || pull === undefined) return undefined;
      const state = pull.status === PullRequestStatus.Active ? 'open' : 'closed';
      const head = pull.lastMergeSourceCommit?.commitId;
      return { state, ...(head ? { head } : {}) };
    },
    comments: (number) => threadStore(git, target, number),
  };
}
