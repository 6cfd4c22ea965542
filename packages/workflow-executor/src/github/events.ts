/**
 * Test events in the shape GitHub delivers them: the event name, the webhook payload the runner writes to
 * GITHUB_EVENT_PATH, and the ref and sha the run gets (`refs/pull/N/merge` for a pull request, the default branch
 * for a schedule).
 */
import { createHash } from 'node:crypto';

/** An event that starts a workflow run. */
export interface GitHubEvent {
  /** `push`, `pull_request`, `schedule`, `workflow_dispatch`, … */
  name: string;
  /** The webhook payload (`github.event`). */
  payload: Record<string, unknown>;
  /** GITHUB_REF of the run. */
  ref: string;
  /** GITHUB_SHA of the run. */
  sha: string;
  /** Files the push or pull request changed, for `paths:` filters. */
  changedFiles?: string[];
}

/** Where an event happens. */
export interface RepositoryOptions {
  /** owner/name; `azpn/infra` (the local cloud's scenario) when absent. */
  repository?: string;
  defaultBranch?: string;
  actor?: string;
}

/** A 40-hex commit id derived from a label, so tests can name commits (`sha('head-2')`). */
export function sha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

function repositoryPayload(options: RepositoryOptions): Record<string, unknown> {
  const fullName = options.repository ?? 'azpn/infra';
  const [owner, name] = fullName.split('/');
  return {
    repository: {
      full_name: fullName,
      name,
      owner: { login: owner },
      default_branch: options.defaultBranch ?? 'main',
      private: true,
    },
    sender: { login: options.actor ?? 'octocat', type: 'User' },
  };
}

/**
 * A push to a branch, or with `tag` the push of a new tag (`refs/tags/<tag>`, created, on the commit `sha`; a tag
 * push carries no commits and no changed files, as GitHub delivers it).
 */
export function pushEvent(
  options: RepositoryOptions & {
    branch?: string;
    tag?: string;
    sha?: string;
    before?: string;
    changedFiles?: string[];
  } = {},
): GitHubEvent {
  if (options.tag !== undefined) return tagPushEvent(options.tag, options);
  const branch = options.branch ?? options.defaultBranch ?? 'main';
  const after = options.sha ?? sha(`push-${branch}`);
  return {
    name: 'push',
    ref: `refs/heads/${branch}`,
    sha: after,
    changedFiles: options.changedFiles,
    payload: {
      ref: `refs/heads/${branch}`,
      before: options.before ?? sha(`before-${after}`),
      after,
      created: false,
      deleted: false,
      head_commit: { id: after, message: 'a commit' },
      commits: [{ id: after, modified: options.changedFiles ?? [] }],
      ...repositoryPayload(options),
    },
  };
}

function tagPushEvent(tag: string, options: RepositoryOptions & { sha?: string }): GitHubEvent {
  const after = options.sha ?? sha(`tag-${tag}`);
  return {
    name: 'push',
    ref: `refs/tags/${tag}`,
    sha: after,
    payload: {
      ref: `refs/tags/${tag}`,
      before: '0'.repeat(40),
      after,
      created: true,
      deleted: false,
      base_ref: null,
      head_commit: { id: after, message: 'a commit' },
      commits: [],
      ...repositoryPayload(options),
    },
  };
}

/** What a pull request looks like at the time of the event. */
export interface PullRequestOptions extends RepositoryOptions {
  number: number;
  headRef?: string;
  baseRef?: string;
  headSha?: string;
  title?: string;
  /** The head is in a fork: no secrets, no OIDC token, a read-only job token. */
  fork?: boolean;
  /** For `closed`: merged or only closed. */
  merged?: boolean;
  labels?: string[];
  draft?: boolean;
  changedFiles?: string[];
}

/** A `pull_request` event: `opened`, `synchronize`, `reopened`, `closed`, `labeled`, … */
export function pullRequestEvent(action: string, pr: PullRequestOptions): GitHubEvent {
  const repo = repositoryPayload(pr);
  const fullName = (repo.repository as { full_name: string }).full_name;
  const headSha = pr.headSha ?? sha(`pr-${pr.number}-head`);
  const mergeSha = sha(`pr-${pr.number}-merge-${headSha}`);
  const headRepo = pr.fork ? `${pr.actor ?? 'contributor'}/${fullName.split('/')[1]}` : fullName;
  const pullRequest = {
    number: pr.number,
    state: action === 'closed' ? 'closed' : 'open',
    merged: action === 'closed' ? (pr.merged ?? false) : false,
    draft: pr.draft ?? false,
    title: pr.title ?? `Pull request ${pr.number}`,
    html_url: `https://github.com/${fullName}/pull/${pr.number}`,
    user: { login: pr.actor ?? 'octocat' },
    labels: (pr.labels ?? []).map((name) => ({ name })),
    merge_commit_sha: mergeSha,
    head: {
      ref: pr.headRef ?? `feature-${pr.number}`,
      sha: headSha,
      repo: { full_name: headRepo, fork: !!pr.fork },
    },
    base: {
      ref: pr.baseRef ?? 'main',
      sha: sha(`base-${pr.baseRef ?? 'main'}`),
      repo: { full_name: fullName },
    },
  };
  return {
    name: 'pull_request',
    ref: `refs/pull/${pr.number}/merge`,
    sha: mergeSha,
    changedFiles: pr.changedFiles,
    payload: { action, number: pr.number, pull_request: pullRequest, ...repo },
  };
}

/** A scheduled run: on the default branch, with the cron that fired. */
export function scheduleEvent(cron: string, options: RepositoryOptions = {}): GitHubEvent {
  const branch = options.defaultBranch ?? 'main';
  const head = sha(`schedule-${branch}`);
  return {
    name: 'schedule',
    ref: `refs/heads/${branch}`,
    sha: head,
    payload: { schedule: cron, ...repositoryPayload(options) },
  };
}

/** A manual run with its inputs. */
export function workflowDispatchEvent(
  inputs: Record<string, string | boolean | number> = {},
  options: RepositoryOptions & { branch?: string } = {},
): GitHubEvent {
  const branch = options.branch ?? options.defaultBranch ?? 'main';
  return {
    name: 'workflow_dispatch',
    ref: `refs/heads/${branch}`,
    sha: sha(`dispatch-${branch}`),
    payload: { inputs, ref: `refs/heads/${branch}`, ...repositoryPayload(options) },
  };
}

/** The repository (owner/name) an event names. */
export function eventRepository(event: GitHubEvent): string {
  return (event.payload.repository as { full_name?: string } | undefined)?.full_name ?? 'azpn/infra';
}

/** Whether the event is a pull request from a fork. */
export function fromFork(event: GitHubEvent): boolean {
  const pr = event.payload.pull_request as { head?: { repo?: { fork?: boolean } } } | undefined;
  return event.name.startsWith('pull_request') && pr?.head?.repo?.fork === true;
}
