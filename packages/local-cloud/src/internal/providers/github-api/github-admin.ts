/**
 * The GitHub stand-in's admin calls (`/_admin/plugins/github-api/…`): mint a job token with a workflow job's
 * `permissions`, seed a repository, open, update or close a pull request as GitHub would on a push or a click, and
 * hold a branch or tag where a push put it.
 */
import { randomBytes } from 'node:crypto';
import type { MountContext } from '../../cloud-plugin.js';
import { json, jsonBody, type Exchange, type Reply } from '../../http/exchange.js';
import { holdRef } from './git-ref-routes.js';
import { actorOf } from './github-shapes.js';
import { defaultRateLimits, rateWindow } from './github-rate-limit.js';
import {
  ensureRepository,
  gitHubStateOf,
  nextId,
  type GitHubApiState,
  type JobTokenGrant,
  type PermissionLevel,
  type StoredIssue,
  type StoredRepository,
} from './github-state.js';

type Fields = Record<string, unknown>;

function refused(message: string, status = 400): Reply {
  return json(status, { error: { code: 'InvalidAdminRequest', message } });
}

const repositoryName = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** A job token's permissions: scope → read or write (`none` is left out, as absent). */
function permissionsOf(value: unknown): Record<string, PermissionLevel> | string {
  if (typeof value !== 'object' || value === null)
    return "'permissions' must be a mapping of scope to read, write or none.";
  const result: Record<string, PermissionLevel> = {};
  for (const [scope, level] of Object.entries(value as Fields)) {
    if (level === 'none') continue;
    if (level !== 'read' && level !== 'write')
      return `'permissions.${scope}' is ${JSON.stringify(level)}: use read, write or none.`;
    result[scope] = level;
  }
  return result;
}

/** `POST /tokens`: a `ghs_` token for `repository` with `permissions`, and optional smaller rate limits. */
function mintToken(state: GitHubApiState, body: Fields, now: number): Reply {
  const repository = body.repository;
  if (typeof repository !== 'string' || !repositoryName.test(repository))
    return refused("'repository' must be owner/name.");
  const permissions = permissionsOf(body.permissions);
  if (typeof permissions === 'string') return refused(permissions);
  const limits = (body.rateLimit ?? {}) as { core?: unknown; search?: unknown; status?: unknown };
  const limit = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
  ensureRepository(state, repository, now);
  const token = `ghs_${randomBytes(27).toString('base64url').slice(0, 36)}`;
  const grant: JobTokenGrant = {
    repository,
    installationId: 40_000_000 + state.tokens.size,
    permissions,
    rate: {
      core: rateWindow(limit(limits.core, defaultRateLimits.core), 3600, now),
      search: rateWindow(limit(limits.search, defaultRateLimits.search), 60, now),
    },
    rateLimitStatus: limits.status === 429 ? 429 : 403,
  };
  state.tokens.set(token, grant);
  return json(201, { token, repository, permissions, installationId: grant.installationId });
}

/** `PUT /repositories/{owner}/{name}`: the repository, created or changed (`private`, `defaultBranch`). */
function seedRepository(state: GitHubApiState, fullName: string, body: Fields, now: number): Reply {
  const repository = ensureRepository(state, fullName, now);
  if (typeof body.private === 'boolean') repository.private = body.private;
  if (typeof body.defaultBranch === 'string') repository.defaultBranch = body.defaultBranch;
  return json(200, { fullName, id: repository.id, private: repository.private });
}

const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);

/** A new pull request record numbered `number` (the repository's numbering moves past it). */
function newPull(
  state: GitHubApiState,
  repository: StoredRepository,
  number: number,
  now: number,
): StoredIssue {
  repository.nextNumber = Math.max(repository.nextNumber, number + 1);
  return {
    id: nextId(state),
    number,
    title: `Pull request ${number}`,
    body: null,
    state: 'open',
    stateReason: null,
    labels: [],
    user: actorOf('octocat'),
    locked: false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
    pull: {
      headSha: '0'.repeat(40),
      headRef: `feature-${number}`,
      headRepository: `${repository.owner}/${repository.name}`,
      baseRef: repository.defaultBranch,
      baseSha: '0'.repeat(40),
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      draft: false,
    },
  };
}

/** Applies the given members of a pull request seed: state, title, head (sha, ref, fork), base, merged. */
function applyPull(issue: StoredIssue, body: Fields, now: number): void {
  const pull = issue.pull!;
  issue.title = text(body.title, issue.title);
  if (typeof body.body === 'string') issue.body = body.body;
  if (typeof body.user === 'string') issue.user = actorOf(body.user);
  pull.headSha = text(body.headSha, pull.headSha);
  pull.headRef = text(body.headRef, pull.headRef);
  pull.baseRef = text(body.baseRef, pull.baseRef);
  pull.baseSha = text(body.baseSha, pull.baseSha);
  if (typeof body.headRepository === 'string') pull.headRepository = body.headRepository;
  if (typeof body.draft === 'boolean') pull.draft = body.draft;
  if (body.state === 'closed' && issue.state === 'open') issue.closedAt = now;
  if (body.state === 'open') issue.closedAt = null;
  if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
  if (body.merged === true && !pull.merged) {
    pull.merged = true;
    pull.mergedAt = now;
    pull.mergeCommitSha = text(body.mergeCommitSha, pull.headSha);
  }
  issue.updatedAt = now;
}

/** `PUT /repositories/{owner}/{name}/pulls/{number}`: opens a pull request or changes the one numbered so. */
function seedPull(state: GitHubApiState, fullName: string, number: number, body: Fields, now: number): Reply {
  if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
    return refused("'state' must be open or closed.");
  if (body.headSha !== undefined && !/^[0-9a-f]{40}$/.test(String(body.headSha)))
    return refused("'headSha' must be a 40-hex commit id.");
  const repository = ensureRepository(state, fullName, now);
  const existing = repository.issues.get(number);
  if (existing !== undefined && existing.pull === undefined)
    return refused(`#${number} of ${fullName} is an issue, not a pull request: pick another number.`, 409);
  const issue = existing ?? newPull(state, repository, number, now);
  repository.issues.set(number, issue);
  applyPull(issue, body, now);
  return json(200, { number, state: issue.state, headSha: issue.pull!.headSha });
}

/**
 * `PUT /repositories/{owner}/{name}/git/refs/{heads|tags}/{name}`: the ref at the commit `sha`, as a push leaves it;
 * with `message`, a tag is annotated (a tag object naming the commit).
 */
function seedRef(state: GitHubApiState, fullName: string, ref: string, body: Fields, now: number): Reply {
  if (!/^refs\/(heads|tags)\/[^\s]+$/.test(ref))
    return refused(`'${ref}' must be refs/heads/… or refs/tags/….`);
  if (typeof body.sha !== 'string' || !/^[0-9a-f]{40}$/.test(body.sha))
    return refused("'sha' must be a 40-hex commit id.");
  if (body.message !== undefined && typeof body.message !== 'string')
    return refused("'message' must be the annotated tag's message.");
  const repository = ensureRepository(state, fullName, now);
  const annotation = typeof body.message === 'string' ? { message: body.message } : undefined;
  const held = holdRef(repository, ref, body.sha, now, annotation);
  return json(200, { ref: held.ref, sha: held.sha, type: held.type, commit: body.sha });
}

/** Answers one admin call of the GitHub stand-in. */
export function serveGitHubAdmin(exchange: Exchange, subPath: string, context: MountContext): Reply {
  const state = gitHubStateOf(context.store);
  const body = (jsonBody(exchange) ?? {}) as Fields;
  const now = context.now();
  const call = `${exchange.method} ${subPath}`;
  if (call === 'POST /tokens') return mintToken(state, body, now);
  const ref = /^PUT \/repositories\/([^/]+\/[^/]+)\/git\/(refs\/.+)$/.exec(call);
  if (ref !== null) return seedRef(state, ref[1]!, ref[2]!, body, now);
  const pull = /^PUT \/repositories\/([^/]+\/[^/]+)\/pulls\/(\d+)$/.exec(call);
  if (pull !== null) return seedPull(state, pull[1]!, Number(pull[2]), body, now);
  const repository = /^PUT \/repositories\/([^/]+\/[^/]+)$/.exec(call);
  if (repository !== null && repositoryName.test(repository[1]!))
    return seedRepository(state, repository[1]!, body, now);
  return refused(
    `The GitHub stand-in has no admin call '${call}': POST /tokens, PUT /repositories/{owner}/{name}, PUT /repositories/{owner}/{name}/pulls/{number}, PUT /repositories/{owner}/{name}/git/refs/{heads|tags}/{name}.`,
    404,
  );
}
