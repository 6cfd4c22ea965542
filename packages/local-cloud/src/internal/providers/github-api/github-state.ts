import type { ResourceStore } from '../../arm/resource-store.js';

/** Someone who acts on the stand-in: a user who opened a pull request, or the job token's bot. */
export interface GitHubActor {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

/** The bot a workflow job's `GITHUB_TOKEN` acts as. */
export const actionsBot: GitHubActor = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** A repository label. */
export interface StoredLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** What makes an issue a pull request: its head and base, and whether it was merged. */
export interface StoredPull {
  headSha: string;
  headRef: string;
  /** owner/name of the head repository: another one for a pull request from a fork. */
  headRepository: string;
  baseRef: string;
  baseSha: string;
  merged: boolean;
  mergedAt: number | null;
  mergeCommitSha: string | null;
  draft: boolean;
}

/** An issue or, with `pull`, a pull request: GitHub numbers both in one sequence per repository. */
export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  /** Label names, as the labels are spelt in the repository. */
  labels: string[];
  user: GitHubActor;
  locked: boolean;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  closedBy: GitHubActor | null;
  pull?: StoredPull;
}

/** An issue (or pull request conversation) comment. */
export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  user: GitHubActor;
  createdAt: number;
  updatedAt: number;
}

/**
 * A git ref as a push left it: `refs/heads/main` or `refs/tags/v0.1.0` naming a commit, or an annotated tag object
 * (`type: 'tag'`). The stand-in keeps no commits: any 40-hex id is taken as one.
 */
export interface StoredRef {
  /** The full name, `refs/tags/v0`. */
  ref: string;
  sha: string;
  type: 'commit' | 'tag';
}

/** An annotated tag object (`git tag -a`): its name and message, and the commit it names. */
export interface StoredTagObject {
  sha: string;
  tag: string;
  message: string;
  commitSha: string;
  tagger: { name: string; email: string; date: number };
}

/** A file attached to a release, with its bytes. */
export interface StoredAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  /** `sha256:<hex>` of the bytes, as GitHub gives it. */
  digest: string;
  bytes: Buffer;
  downloadCount: number;
  uploader: GitHubActor;
  createdAt: number;
  updatedAt: number;
}

/** A release: a draft until published, when its tag is created if the repository lacks it. */
export interface StoredRelease {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: GitHubActor;
  createdAt: number;
  publishedAt: number | null;
  updatedAt: number;
  assets: StoredAsset[];
}

/** One repository with its issues, pull requests, comments, labels, git refs and releases. */
export interface StoredRepository {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  createdAt: number;
  /** The next issue or pull request number. */
  nextNumber: number;
  issues: Map<number, StoredIssue>;
  comments: Map<number, StoredComment>;
  /** By lower-cased name: GitHub finds labels regardless of case. */
  labels: Map<string, StoredLabel>;
  /** By full ref name (`refs/tags/v0`). */
  refs: Map<string, StoredRef>;
  /** Annotated tag objects by their sha. */
  tagObjects: Map<string, StoredTagObject>;
  releases: Map<number, StoredRelease>;
}

/** A rate-limit window of one token and resource (`core`, `search`). */
export interface RateWindow {
  limit: number;
  used: number;
  /** When the window resets, in seconds since the epoch (the cloud's clock). */
  resetAt: number;
  /** The window's length in seconds. */
  seconds: number;
}

/** The permission a job token has for one scope, as a workflow's `permissions:` grants it. */
export type PermissionLevel = 'read' | 'write';

/** A job's `GITHUB_TOKEN`: the repository it is for, its permissions and its rate-limit windows. */
export interface JobTokenGrant {
  repository: string;
  installationId: number;
  permissions: Record<string, PermissionLevel>;
  rate: { core: RateWindow; search: RateWindow };
  /** What a spent window answers: GitHub documents 403 and 429 for its primary limit. */
  rateLimitStatus: 403 | 429;
}

/** Everything the GitHub stand-in of one cloud keeps. */
export interface GitHubApiState {
  /** By lower-cased owner/name. */
  repositories: Map<string, StoredRepository>;
  tokens: Map<string, JobTokenGrant>;
  /** The next id of an issue, comment, label, release or asset (one sequence, as ids are unique across GitHub). */
  nextId: number;
}

const states = new WeakMap<ResourceStore, GitHubApiState>();

/** The stand-in's state in the cloud whose store this is (one per cloud, several clouds per process). */
export function gitHubStateOf(store: ResourceStore): GitHubApiState {
  let state = states.get(store);
  if (state === undefined) {
    state = { repositories: new Map(), tokens: new Map(), nextId: 1_000_001 };
    states.set(store, state);
  }
  return state;
}

/** A new id from the stand-in's one sequence. */
export function nextId(state: GitHubApiState): number {
  return state.nextId++;
}

/** The repository `owner/name`, if the stand-in keeps it. */
export function findRepository(state: GitHubApiState, fullName: string): StoredRepository | undefined {
  return state.repositories.get(fullName.toLowerCase());
}

/** The repository `owner/name`, created (private, default branch main) when the stand-in does not keep it yet. */
export function ensureRepository(state: GitHubApiState, fullName: string, now: number): StoredRepository {
  const found = findRepository(state, fullName);
  if (found !== undefined) return found;
  const [owner = '', name = ''] = fullName.split('/');
  const created: StoredRepository = {
    id: nextId(state),
    owner,
    name,
    private: true,
    defaultBranch: 'main',
    createdAt: now,
    nextNumber: 1,
    issues: new Map(),
    comments: new Map(),
    labels: new Map(),
    refs: new Map(),
    tagObjects: new Map(),
    releases: new Map(),
  };
  state.repositories.set(fullName.toLowerCase(), created);
  return created;
}

/** The repository's `owner/name`. */
export function fullNameOf(repository: StoredRepository): string {
  return `${repository.owner}/${repository.name}`;
}
