/**
 * Labels: the repository's (list, get, create, delete) and an issue's (list, add, set, remove). Names are found
 * regardless of case and kept as first spelt; adding a label an issue names that the repository lacks creates it,
 * as GitHub does for callers with push access.
 */
import { json, type Reply } from '../../http/exchange.js';
import {
  isReply,
  paginate,
  requirePermission,
  scopeOf,
  type RepositoryCall,
  type RepositoryRoute,
} from './github-call.js';
import { docsBase, gitHubError, notFound, validationFailed } from './github-errors.js';
import { labelShape } from './github-shapes.js';
import { nextId, type StoredIssue, type StoredLabel } from './github-state.js';

const docs = {
  list: `${docsBase}/issues/labels#list-labels-for-a-repository`,
  get: `${docsBase}/issues/labels#get-a-label`,
  create: `${docsBase}/issues/labels#create-a-label`,
  delete: `${docsBase}/issues/labels#delete-a-label`,
  onIssue: `${docsBase}/issues/labels#list-labels-for-an-issue`,
  add: `${docsBase}/issues/labels#add-labels-to-an-issue`,
  set: `${docsBase}/issues/labels#set-labels-for-an-issue`,
  remove: `${docsBase}/issues/labels#remove-a-label-from-an-issue`,
};

/** The color GitHub gives a label created without one. */
const defaultColor = 'ededed';

function createLabelRecord(call: RepositoryCall, name: string, color = defaultColor, description?: string) {
  const label: StoredLabel = { id: nextId(call.state), name, color, description: description ?? null };
  call.repository.labels.set(name.toLowerCase(), label);
  return label;
}

/** The repository's spelling of each name, creating the labels it lacks; duplicates dropped. */
export function labelsNamed(call: RepositoryCall, names: string[]): string[] {
  const result: string[] = [];
  for (const name of names) {
    const label = call.repository.labels.get(name.toLowerCase()) ?? createLabelRecord(call, name);
    if (!result.includes(label.name)) result.push(label.name);
  }
  return result;
}

const shapeAll = (call: RepositoryCall, labels: StoredLabel[]) =>
  labels.map((label) => labelShape(call.urls, call.repository, label));

function listLabels(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues', 'pull-requests'], 'read', docs.list);
  if (refused) return refused;
  const { page, headers } = paginate(call, [...call.repository.labels.values()]);
  return json(200, shapeAll(call, page), headers);
}

function getLabel(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues', 'pull-requests'], 'read', docs.get);
  if (refused) return refused;
  const label = call.repository.labels.get((call.params[0] ?? '').toLowerCase());
  return label ? json(200, labelShape(call.urls, call.repository, label)) : notFound(docs.get);
}

function createLabel(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues', 'pull-requests'], 'write', docs.create);
  if (refused) return refused;
  const body = (call.body ?? {}) as Record<string, unknown>;
  if (typeof body.name !== 'string' || body.name.trim() === '')
    return validationFailed(docs.create, { resource: 'Label', field: 'name', code: 'missing_field' });
  const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : defaultColor;
  if (!/^[0-9a-fA-F]{6}$/.test(color))
    return validationFailed(docs.create, { resource: 'Label', field: 'color', code: 'invalid' });
  if (call.repository.labels.has(body.name.toLowerCase()))
    return validationFailed(docs.create, { resource: 'Label', field: 'name', code: 'already_exists' });
  const description = typeof body.description === 'string' ? body.description : undefined;
  const label = createLabelRecord(call, body.name, color.toLowerCase(), description);
  const shape = labelShape(call.urls, call.repository, label);
  return json(201, shape, { location: shape.url });
}

function deleteLabel(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues', 'pull-requests'], 'write', docs.delete);
  if (refused) return refused;
  const key = (call.params[0] ?? '').toLowerCase();
  const label = call.repository.labels.get(key);
  if (label === undefined) return notFound(docs.delete);
  call.repository.labels.delete(key);
  for (const issue of call.repository.issues.values())
    issue.labels = issue.labels.filter((name) => name !== label.name);
  return { status: 204 };
}

/** The issue of the path and the caller's right to read or change its labels. */
function issueFor(call: RepositoryCall, level: 'read' | 'write', documentation: string): StoredIssue | Reply {
  const issue = call.repository.issues.get(Number(call.params[0]));
  if (issue === undefined) return notFound(documentation);
  return requirePermission(call, [scopeOf(issue)], level, documentation) ?? issue;
}

const issueLabelsOf = (call: RepositoryCall, issue: StoredIssue) =>
  issue.labels.flatMap((name) => {
    const label = call.repository.labels.get(name.toLowerCase());
    return label ? [label] : [];
  });

/** `{ labels: [...] }` or a bare array of names, as the add and set calls take them. */
function namesInBody(body: unknown): string[] | undefined {
  const list = Array.isArray(body) ? body : (body as { labels?: unknown } | undefined)?.labels;
  if (!Array.isArray(list) || list.some((n) => typeof n !== 'string')) return undefined;
  return list as string[];
}

function changeIssueLabels(call: RepositoryCall, replace: boolean): Reply {
  const documentation = replace ? docs.set : docs.add;
  const issue = issueFor(call, 'write', documentation);
  if (isReply(issue)) return issue;
  const names = namesInBody(call.body);
  if (names === undefined)
    return validationFailed(documentation, { resource: 'Label', field: 'labels', code: 'invalid' });
  issue.labels = labelsNamed(call, replace ? names : [...issue.labels, ...names]);
  issue.updatedAt = call.now;
  return json(200, shapeAll(call, issueLabelsOf(call, issue)));
}

function listIssueLabels(call: RepositoryCall): Reply {
  const issue = issueFor(call, 'read', docs.onIssue);
  if (isReply(issue)) return issue;
  const { page, headers } = paginate(call, issueLabelsOf(call, issue));
  return json(200, shapeAll(call, page), headers);
}

function removeIssueLabel(call: RepositoryCall): Reply {
  const issue = issueFor(call, 'write', docs.remove);
  if (isReply(issue)) return issue;
  const name = (call.params[1] ?? '').toLowerCase();
  if (!issue.labels.some((l) => l.toLowerCase() === name))
    return gitHubError(404, 'Label does not exist', docs.remove);
  issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name);
  issue.updatedAt = call.now;
  return json(200, shapeAll(call, issueLabelsOf(call, issue)));
}

/** The label routes under `/repos/{owner}/{repo}`. */
export const labelRoutes: RepositoryRoute[] = [
  { method: 'GET', path: /^\/labels$/, template: '/labels', handle: listLabels },
  { method: 'POST', path: /^\/labels$/, template: '/labels', handle: createLabel },
  { method: 'GET', path: /^\/labels\/([^/]+)$/, template: '/labels/{name}', handle: getLabel },
  { method: 'DELETE', path: /^\/labels\/([^/]+)$/, template: '/labels/{name}', handle: deleteLabel },
  {
    method: 'GET',
    path: /^\/issues\/(\d+)\/labels$/,
    template: '/issues/{issue_number}/labels',
    handle: listIssueLabels,
  },
  {
    method: 'POST',
    path: /^\/issues\/(\d+)\/labels$/,
    template: '/issues/{issue_number}/labels',
    handle: (call) => changeIssueLabels(call, false),
  },
  {
    method: 'PUT',
    path: /^\/issues\/(\d+)\/labels$/,
    template: '/issues/{issue_number}/labels',
    handle: (call) => changeIssueLabels(call, true),
  },
  {
    method: 'DELETE',
    path: /^\/issues\/(\d+)\/labels\/([^/]+)$/,
    template: '/issues/{issue_number}/labels/{name}',
    handle: removeIssueLabel,
  },
];
