/** Azure Repos repositories and pull requests (get, list by status), as a pipeline's tasks read them. */
import { json, type Reply } from '../../http/exchange.js';
import {
  devOpsTime,
  identityRef,
  isReply,
  numberParam,
  projectRef,
  type DevOpsCall,
  type DevOpsRoute,
} from './devops-call.js';
import { devOpsError } from './devops-errors.js';
import { locations } from './devops-locations.js';
import {
  findGitRepository,
  gitRepositories,
  type StoredGitRepository,
  type StoredPullRequest,
} from './devops-state.js';

/** A repository as `GitRepository`. */
export function repositoryShape(call: DevOpsCall, repository: StoredGitRepository) {
  const url = `${call.collection}${call.project.id}/_apis/git/repositories/${repository.id}`;
  return {
    id: repository.id,
    name: repository.name,
    url,
    project: projectRef(call),
    defaultBranch: repository.defaultBranch,
    size: 0,
    remoteUrl: `${call.collection}${encodeURIComponent(call.project.name)}/_git/${encodeURIComponent(repository.name)}`,
    webUrl: `${call.collection}${encodeURIComponent(call.project.name)}/_git/${encodeURIComponent(repository.name)}`,
    isDisabled: false,
    isInMaintenance: false,
  };
}

const commitRef = (call: DevOpsCall, repository: StoredGitRepository, commitId: string) => ({
  commitId,
  url: `${call.collection}${call.project.id}/_apis/git/repositories/${repository.id}/commits/${commitId}`,
});

/** A pull request as `GitPullRequest`. */
export function pullRequestShape(call: DevOpsCall, pull: StoredPullRequest) {
  const repository = gitRepositories(call.state).find((r) => r.id === pull.repositoryId)!;
  const url = `${call.collection}${call.project.id}/_apis/git/repositories/${repository.id}/pullRequests/${pull.pullRequestId}`;
  return {
    repository: repositoryShape(call, repository),
    pullRequestId: pull.pullRequestId,
    codeReviewId: pull.pullRequestId,
    status: pull.status,
    createdBy: identityRef(call, pull.createdBy),
    creationDate: devOpsTime(pull.creationDate),
    ...(pull.closedDate === null ? {} : { closedDate: devOpsTime(pull.closedDate) }),
    title: pull.title,
    description: pull.description,
    sourceRefName: pull.sourceRefName,
    targetRefName: pull.targetRefName,
    mergeStatus: 'succeeded',
    isDraft: pull.isDraft,
    mergeId: pull.sourceCommit.slice(0, 8) + '-0000-0000-0000-000000000000',
    lastMergeSourceCommit: commitRef(call, repository, pull.sourceCommit),
    lastMergeTargetCommit: commitRef(call, repository, pull.targetCommit),
    reviewers: [],
    ...(pull.forkSource === undefined
      ? {}
      : { forkSource: { name: pull.sourceRefName, repository: { name: pull.forkSource } } }),
    url,
    supportsIterations: true,
  };
}

/** The repository of the route, or Azure DevOps' 404. */
export function repositoryOf(call: DevOpsCall): StoredGitRepository | Reply {
  const key = call.params.repositoryId ?? '';
  return (
    findGitRepository(call.state, key) ??
    devOpsError(
      404,
      'GitRepositoryNotFoundException',
      `TF401019: The Git repository with name or identifier ${key} does not exist or you do not have permissions for the operation you are attempting.`,
    )
  );
}

/** The pull request of the route (in the route's repository, when it names one), or Azure DevOps' 404. */
export function pullRequestOf(call: DevOpsCall): StoredPullRequest | Reply {
  const id = numberParam(call, 'pullRequestId');
  const pull = id === undefined ? undefined : call.state.pullRequests.get(id);
  const repository = call.params.repositoryId === undefined ? undefined : repositoryOf(call);
  if (repository !== undefined && isReply(repository)) return repository;
  if (pull === undefined || (repository !== undefined && repository.id !== pull.repositoryId))
    return devOpsError(
      404,
      'GitPullRequestNotFoundException',
      `TF401180: The requested pull request was not found.`,
    );
  return pull;
}

function getRepository(call: DevOpsCall): Reply {
  if (call.params.repositoryId === undefined)
    return json(200, {
      count: gitRepositories(call.state).length,
      value: gitRepositories(call.state).map((r) => repositoryShape(call, r)),
    });
  const repository = repositoryOf(call);
  return isReply(repository) ? repository : json(200, repositoryShape(call, repository));
}

/** The `searchCriteria.status` filter of a pull request list: active unless another (or `all`) is asked for. */
function statusFilter(call: DevOpsCall): string {
  const value = call.exchange.query.get('searchCriteria.status') ?? 'active';
  const byNumber = ['notSet', 'active', 'abandoned', 'completed', 'all'][Number(value)];
  return (/^\d+$/.test(value) ? byNumber : value)?.toLowerCase() ?? 'active';
}

function getPullRequests(call: DevOpsCall): Reply {
  if (call.params.pullRequestId !== undefined) {
    const pull = pullRequestOf(call);
    return isReply(pull) ? pull : json(200, pullRequestShape(call, pull));
  }
  const repository = repositoryOf(call);
  if (isReply(repository)) return repository;
  const status = statusFilter(call);
  const source = call.exchange.query.get('searchCriteria.sourceRefName');
  const pulls = [...call.state.pullRequests.values()].filter(
    (p) =>
      p.repositoryId === repository.id &&
      (status === 'all' || p.status === status) &&
      (source === null || p.sourceRefName === source),
  );
  return json(200, { count: pulls.length, value: pulls.map((p) => pullRequestShape(call, p)) });
}

function getPullRequestById(call: DevOpsCall): Reply {
  const pull = pullRequestOf(call);
  return isReply(pull) ? pull : json(200, pullRequestShape(call, pull));
}

/** The repository and pull request routes. */
export const pullRequestRoutes: DevOpsRoute[] = [
  { location: locations.repositories, method: 'GET', handle: getRepository },
  { location: locations.pullRequests, method: 'GET', handle: getPullRequests },
  { location: locations.pullRequestsById, method: 'GET', handle: getPullRequestById },
];
