/**
 * The Azure DevOps stand-in's admin calls (`/_admin/plugins/azure-devops-api/…`), how a test makes the repository
 * and pull requests a pipeline run meets (a PR opened, pushed to, completed or abandoned), and what it shows the
 * admin API: repositories, pull requests with their threads, work items with their fields and comments.
 */
import { randomUUID } from 'node:crypto';
import type { MountContext } from '../../cloud-plugin.js';
import type { ResourceStore } from '../../arm/resource-store.js';
import { json, jsonBody, type Exchange, type Reply } from '../../http/exchange.js';
import { isReply } from './devops-call.js';
import {
  devOpsStateOf,
  findGitRepository,
  gitRepositories,
  keepGitRepository,
  type DevOpsState,
  type StoredGitRepository,
  type StoredPullRequest,
} from './devops-state.js';

type Fields = Record<string, unknown>;

function refused(message: string, status = 400): Reply {
  return json(status, { error: { code: 'InvalidAdminRequest', message } });
}

const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The repository named so, created (with `id` when given) if the stand-in lacks it. */
function ensureRepository(state: DevOpsState, name: string, body: Fields): StoredGitRepository | Reply {
  const found = findGitRepository(state, name);
  if (found !== undefined) return found;
  if (body.id !== undefined && (typeof body.id !== 'string' || !guid.test(body.id)))
    return refused("'id' must be a GUID.");
  const repository = {
    id: typeof body.id === 'string' ? body.id.toLowerCase() : randomUUID(),
    name,
    defaultBranch: text(body.defaultBranch, 'refs/heads/main'),
  };
  keepGitRepository(state, repository);
  return repository;
}

function newPullRequest(
  state: DevOpsState,
  repository: StoredGitRepository,
  id: number,
  now: number,
): StoredPullRequest {
  state.nextPullRequestId = Math.max(state.nextPullRequestId, id + 1);
  return {
    pullRequestId: id,
    repositoryId: repository.id,
    status: 'active',
    title: `Pull request ${id}`,
    description: '',
    sourceRefName: `refs/heads/feature-${id}`,
    targetRefName: repository.defaultBranch,
    sourceCommit: '0'.repeat(40),
    targetCommit: '0'.repeat(40),
    isDraft: false,
    createdBy: { id: randomUUID(), displayName: 'Contributor', uniqueName: 'contributor@local' },
    creationDate: now,
    closedDate: null,
    threads: [],
  };
}

/** `PUT /repositories/{name}/pullrequests/{id}`: opens a pull request or changes the one with that id. */
function seedPullRequest(state: DevOpsState, name: string, id: number, body: Fields, now: number): Reply {
  if (body.status !== undefined && !['active', 'abandoned', 'completed'].includes(String(body.status)))
    return refused("'status' must be active, abandoned or completed.");
  for (const commit of ['sourceCommit', 'targetCommit'])
    if (body[commit] !== undefined && !/^[0-9a-f]{40}$/.test(String(body[commit])))
      return refused(`'${commit}' must be a 40-hex commit id.`);
  const repository = ensureRepository(state, name, {});
  if (isReply(repository)) return repository;
  const pull = state.pullRequests.get(id) ?? newPullRequest(state, repository, id, now);
  if (pull.repositoryId !== repository.id)
    return refused(`Pull request ${id} belongs to another repository.`, 409);
  const status = (body.status as StoredPullRequest['status'] | undefined) ?? pull.status;
  if (status !== 'active' && pull.status === 'active') pull.closedDate = now;
  if (status === 'active') pull.closedDate = null;
  Object.assign(pull, {
    status,
    title: text(body.title, pull.title),
    sourceRefName: text(body.sourceRefName, pull.sourceRefName),
    targetRefName: text(body.targetRefName, pull.targetRefName),
    sourceCommit: text(body.sourceCommit, pull.sourceCommit),
    targetCommit: text(body.targetCommit, pull.targetCommit),
    isDraft: typeof body.isDraft === 'boolean' ? body.isDraft : pull.isDraft,
    ...(typeof body.forkSource === 'string' ? { forkSource: body.forkSource } : {}),
  });
  state.pullRequests.set(id, pull);
  return json(200, { pullRequestId: id, repositoryId: repository.id, status: pull.status });
}

/** Answers one admin call of the Azure DevOps stand-in. */
export function serveDevOpsAdmin(exchange: Exchange, subPath: string, context: MountContext): Reply {
  const state = devOpsStateOf(context.store);
  const body = (jsonBody(exchange) ?? {}) as Fields;
  const call = `${exchange.method} ${subPath}`;
  const pull = /^PUT \/repositories\/([^/]+)\/pullrequests\/(\d+)$/i.exec(call);
  if (pull !== null) return seedPullRequest(state, pull[1]!, Number(pull[2]), body, context.now());
  const repository = /^PUT \/repositories\/([^/]+)$/.exec(call);
  if (repository !== null) {
    const kept = ensureRepository(state, repository[1]!, body);
    return isReply(kept) ? kept : json(200, kept);
  }
  return refused(
    `The Azure DevOps stand-in has no admin call '${call}': PUT /repositories/{name}, PUT /repositories/{name}/pullrequests/{id}.`,
    404,
  );
}

/** The stand-in's state for tests. */
export function devOpsAdminState(store: ResourceStore) {
  const state = devOpsStateOf(store);
  return {
    repositories: gitRepositories(state),
    pullRequests: [...state.pullRequests.values()],
    workItems: [...state.workItems.values()],
    buildService: state.buildService,
  };
}
