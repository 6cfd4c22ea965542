import { randomUUID } from 'node:crypto';
import type { ResourceStore } from '../../arm/resource-store.js';

/** Who wrote a comment or changed a work item: the pipeline's build service, or a user a test names. */
export interface DevOpsIdentity {
  id: string;
  displayName: string;
  uniqueName: string;
}

/** A comment of a pull request thread. */
export interface ThreadComment {
  id: number;
  parentCommentId: number;
  author: DevOpsIdentity;
  content: string;
  commentType: 'text' | 'system' | 'codeChange' | 'unknown';
  publishedDate: number;
  lastUpdatedDate: number;
  lastContentUpdatedDate: number;
  isDeleted: boolean;
}

/** The statuses a thread can have, as the REST API spells them. */
export const threadStatuses = [
  'unknown',
  'active',
  'fixed',
  'wontFix',
  'closed',
  'byDesign',
  'pending',
] as const;
export type ThreadStatus = (typeof threadStatuses)[number];

/** A pull request comment thread. */
export interface PullRequestThread {
  id: number;
  status: ThreadStatus;
  comments: ThreadComment[];
  properties: Record<string, { $type: string; $value: unknown }>;
  publishedDate: number;
  lastUpdatedDate: number;
  isDeleted: boolean;
}

/** The statuses a pull request can have. */
export type PullRequestStatus = 'active' | 'abandoned' | 'completed';

/** An Azure Repos pull request with its threads. */
export interface StoredPullRequest {
  pullRequestId: number;
  repositoryId: string;
  status: PullRequestStatus;
  title: string;
  description: string;
  sourceRefName: string;
  targetRefName: string;
  sourceCommit: string;
  targetCommit: string;
  isDraft: boolean;
  /** owner project/repository of the fork the source branch is in, when it is one. */
  forkSource?: string;
  createdBy: DevOpsIdentity;
  creationDate: number;
  closedDate: number | null;
  threads: PullRequestThread[];
}

/** An Azure Repos repository. */
export interface StoredGitRepository {
  id: string;
  name: string;
  defaultBranch: string;
}

/** A comment in a work item's discussion. */
export interface WorkItemComment {
  id: number;
  text: string;
  createdBy: DevOpsIdentity;
  createdDate: number;
  modifiedDate: number;
  version: number;
}

/** A work item: its fields by reference name, revision and discussion. */
export interface StoredWorkItem {
  id: number;
  rev: number;
  fields: Record<string, unknown>;
  comments: WorkItemComment[];
}

/** Everything the Azure DevOps stand-in of one cloud keeps. */
export interface DevOpsState {
  /** By lower-cased id and name alike. */
  repositories: Map<string, StoredGitRepository>;
  /** By id: pull request ids are unique in the collection. */
  pullRequests: Map<number, StoredPullRequest>;
  workItems: Map<number, StoredWorkItem>;
  nextPullRequestId: number;
  nextWorkItemId: number;
  /** The build service identity the job access token acts as. */
  buildService: DevOpsIdentity;
}

const states = new WeakMap<ResourceStore, DevOpsState>();

/** The stand-in's state in the cloud whose store this is. */
export function devOpsStateOf(store: ResourceStore): DevOpsState {
  let state = states.get(store);
  if (state === undefined) {
    const id = randomUUID();
    state = {
      repositories: new Map(),
      pullRequests: new Map(),
      workItems: new Map(),
      nextPullRequestId: 1,
      nextWorkItemId: 1,
      buildService: { id, displayName: 'Project Collection Build Service', uniqueName: `Build\\${id}` },
    };
    states.set(store, state);
  }
  return state;
}

/** The repository named or numbered `idOrName` (Azure DevOps takes either in a route). */
export function findGitRepository(state: DevOpsState, idOrName: string): StoredGitRepository | undefined {
  return state.repositories.get(idOrName.toLowerCase());
}

/** Keeps a repository under its id and its name. */
export function keepGitRepository(state: DevOpsState, repository: StoredGitRepository): void {
  state.repositories.set(repository.id.toLowerCase(), repository);
  state.repositories.set(repository.name.toLowerCase(), repository);
}

/** Each repository once. */
export function gitRepositories(state: DevOpsState): StoredGitRepository[] {
  return [...new Set(state.repositories.values())];
}
