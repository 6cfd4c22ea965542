/**
 * Issues: list for a repository (state, labels, creator, since, sort), create, get and update (title, body, state
 * with state_reason, labels). Pull requests are issues too: they are listed with `pull_request`, and their
 * conversation is guarded by `pull-requests` where an issue's is guarded by `issues`.
 */
import { json, type Reply } from '../../http/exchange.js';
import {
  grants,
  isReply,
  paginate,
  requirePermission,
  scopeOf,
  sortBy,
  type RepositoryCall,
  type RepositoryRoute,
} from './github-call.js';
import { docsBase, notFound, validationFailed } from './github-errors.js';
import { issueShape } from './github-shapes.js';
import { actionsBot, nextId, type StoredIssue } from './github-state.js';
import { labelsNamed } from './label-routes.js';

const docs = {
  list: `${docsBase}/issues/issues#list-repository-issues`,
  create: `${docsBase}/issues/issues#create-an-issue`,
  get: `${docsBase}/issues/issues#get-an-issue`,
  update: `${docsBase}/issues/issues#update-an-issue`,
};

/** GitHub's limit on an issue's or a comment's body. */
export const maxBodyLength = 65_536;

const stateReasons = ['completed', 'not_planned', 'reopened', 'duplicate'] as const;

/** The issue or pull request numbered in the path, or GitHub's 404. */
export function issueAt(call: RepositoryCall, documentation: string): StoredIssue | Reply {
  const issue = call.repository.issues.get(Number(call.params[0]));
  return issue ?? notFound(documentation);
}

/** GitHub's 422 for a required member the body lacks. */
export function notSupplied(documentation: string, member: string): Reply {
  return json(422, {
    message: `Invalid request.\n\n"${member}" wasn't supplied.`,
    documentation_url: documentation,
    status: '422',
  });
}

/** GitHub's 422 for a body over its limit. */
export function tooLong(documentation: string, resource: string): Reply {
  return validationFailed(documentation, {
    resource,
    field: 'body',
    code: 'custom',
    message: `body is too long (maximum is ${maxBodyLength} characters)`,
  });
}

function listIssues(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues'], 'read', docs.list);
  if (refused) return refused;
  const query = call.exchange.query;
  const state = query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state))
    return validationFailed(docs.list, { resource: 'Issue', field: 'state', code: 'invalid' });
  const labels = (query.get('labels') ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const since = query.has('since') ? Date.parse(query.get('since')!) : Number.NaN;
  const creator = query.get('creator')?.toLowerCase();
  const seesPulls = grants(call.grant, 'pull-requests', 'read');
  const matching = [...call.repository.issues.values()].filter(
    (issue) =>
      (state === 'all' || issue.state === state) &&
      (seesPulls || issue.pull === undefined) &&
      labels.every((l) => issue.labels.some((name) => name.toLowerCase() === l)) &&
      (Number.isNaN(since) || issue.updatedAt >= since) &&
      (creator === undefined || issue.user.login.toLowerCase() === creator),
  );
  const sort = query.get('sort') ?? 'created';
  const key = (issue: StoredIssue) => (sort === 'updated' ? issue.updatedAt : issue.createdAt);
  const { page, headers } = paginate(call, sortBy(call, matching, key));
  return json(
    200,
    page.map((issue) => issueShape(call.urls, call.repository, issue)),
    headers,
  );
}

/** The label names of a create or update body: strings or `{ name }` objects. */
function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item: unknown) => {
    if (typeof item === 'string') return [item];
    const name = (item as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

function createIssue(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues'], 'write', docs.create);
  if (refused) return refused;
  const body = (call.body ?? {}) as Record<string, unknown>;
  if (typeof body.title !== 'string' && typeof body.title !== 'number')
    return notSupplied(docs.create, 'title');
  if (typeof body.body === 'string' && body.body.length > maxBodyLength) return tooLong(docs.create, 'Issue');
  const { repository } = call;
  const issue: StoredIssue = {
    id: nextId(call.state),
    number: repository.nextNumber++,
    title: String(body.title),
    body: typeof body.body === 'string' ? body.body : null,
    state: 'open',
    stateReason: null,
    labels: labelsNamed(call, labelNames(body.labels) ?? []),
    user: actionsBot,
    locked: false,
    createdAt: call.now,
    updatedAt: call.now,
    closedAt: null,
    closedBy: null,
  };
  repository.issues.set(issue.number, issue);
  const shape = issueShape(call.urls, repository, issue);
  return json(201, shape, { location: shape.url });
}

function getIssue(call: RepositoryCall): Reply {
  const issue = issueAt(call, docs.get);
  if (isReply(issue)) return issue;
  const refused = requirePermission(call, [scopeOf(issue)], 'read', docs.get);
  return refused ?? json(200, issueShape(call.urls, call.repository, issue));
}

/** Applies `state` and `state_reason` as GitHub does: closing stamps closed_at and closed_by, reopening clears them. */
function changeState(
  call: RepositoryCall,
  issue: StoredIssue,
  body: Record<string, unknown>,
): Reply | undefined {
  const { state, state_reason: reason } = body;
  if (state !== undefined && state !== 'open' && state !== 'closed')
    return validationFailed(docs.update, { resource: 'Issue', field: 'state', code: 'invalid' });
  if (reason !== undefined && reason !== null && !stateReasons.includes(reason as never))
    return validationFailed(docs.update, { resource: 'Issue', field: 'state_reason', code: 'invalid' });
  const next = (state as StoredIssue['state'] | undefined) ?? issue.state;
  if (next === 'closed' && issue.state === 'open') {
    issue.closedAt = call.now;
    issue.closedBy = actionsBot;
  }
  if (next === 'open' && issue.state === 'closed') {
    issue.closedAt = null;
    issue.closedBy = null;
    issue.stateReason = 'reopened';
  }
  if (next === 'closed')
    issue.stateReason = (reason as StoredIssue['stateReason']) ?? issue.stateReason ?? 'completed';
  issue.state = next;
  return undefined;
}

function updateIssue(call: RepositoryCall): Reply {
  const issue = issueAt(call, docs.update);
  if (isReply(issue)) return issue;
  const refused = requirePermission(call, [scopeOf(issue)], 'write', docs.update);
  if (refused) return refused;
  const body = (call.body ?? {}) as Record<string, unknown>;
  if (typeof body.body === 'string' && body.body.length > maxBodyLength) return tooLong(docs.update, 'Issue');
  const invalid = changeState(call, issue, body);
  if (invalid) return invalid;
  if (typeof body.title === 'string' || typeof body.title === 'number') issue.title = String(body.title);
  if (body.body === null || typeof body.body === 'string') issue.body = body.body;
  const labels = labelNames(body.labels);
  if (labels !== undefined) issue.labels = labelsNamed(call, labels);
  issue.updatedAt = call.now;
  return json(200, issueShape(call.urls, call.repository, issue));
}

/** The issue routes under `/repos/{owner}/{repo}`. */
export const issueRoutes: RepositoryRoute[] = [
  { method: 'GET', path: /^\/issues$/, template: '/issues', handle: listIssues },
  { method: 'POST', path: /^\/issues$/, template: '/issues', handle: createIssue },
  { method: 'GET', path: /^\/issues\/(\d+)$/, template: '/issues/{issue_number}', handle: getIssue },
  { method: 'PATCH', path: /^\/issues\/(\d+)$/, template: '/issues/{issue_number}', handle: updateIssue },
];
