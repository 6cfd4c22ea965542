/**
 * Issue comments (the conversation of an issue or a pull request): list for an issue or the repository, create,
 * get, update and delete. Writing needs `issues: write` on an issue and `pull-requests: write` on a pull request.
 */
import { json, type Reply } from '../../http/exchange.js';
import {
  isReply,
  paginate,
  requirePermission,
  scopeOf,
  sortBy,
  type RepositoryCall,
  type RepositoryRoute,
} from './github-call.js';
import { docsBase, notFound } from './github-errors.js';
import { commentShape } from './github-shapes.js';
import { actionsBot, nextId, type StoredComment } from './github-state.js';
import { issueAt, maxBodyLength, notSupplied, tooLong } from './issue-routes.js';

const docs = {
  list: `${docsBase}/issues/comments#list-issue-comments`,
  listRepository: `${docsBase}/issues/comments#list-issue-comments-for-a-repository`,
  create: `${docsBase}/issues/comments#create-an-issue-comment`,
  get: `${docsBase}/issues/comments#get-an-issue-comment`,
  update: `${docsBase}/issues/comments#update-an-issue-comment`,
  delete: `${docsBase}/issues/comments#delete-an-issue-comment`,
};

const since = (call: RepositoryCall) => {
  const text = call.exchange.query.get('since');
  return text === null ? Number.NaN : Date.parse(text);
};

function page(call: RepositoryCall, comments: StoredComment[]): Reply {
  const after = since(call);
  const recent = comments.filter((c) => Number.isNaN(after) || c.updatedAt >= after);
  const { page: shown, headers } = paginate(call, recent);
  return json(
    200,
    shown.map((c) => commentShape(call.urls, call.repository, c)),
    headers,
  );
}

function listComments(call: RepositoryCall): Reply {
  const issue = issueAt(call, docs.list);
  if (isReply(issue)) return issue;
  const refused = requirePermission(call, [scopeOf(issue)], 'read', docs.list);
  if (refused) return refused;
  const comments = [...call.repository.comments.values()].filter((c) => c.issueNumber === issue.number);
  return page(
    call,
    sortBy(call, comments, (c) => c.createdAt, 'asc'),
  );
}

function listRepositoryComments(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['issues'], 'read', docs.listRepository);
  if (refused) return refused;
  const key = (c: StoredComment) =>
    call.exchange.query.get('sort') === 'updated' ? c.updatedAt : c.createdAt;
  return page(call, sortBy(call, [...call.repository.comments.values()], key, 'asc'));
}

/** The body of a create or update call, or GitHub's 422. */
function commentBody(call: RepositoryCall, documentation: string): string | Reply {
  const body = (call.body as { body?: unknown } | undefined)?.body;
  if (typeof body !== 'string') return notSupplied(documentation, 'body');
  if (body.length > maxBodyLength) return tooLong(documentation, 'IssueComment');
  return body;
}

function createComment(call: RepositoryCall): Reply {
  const issue = issueAt(call, docs.create);
  if (isReply(issue)) return issue;
  const refused = requirePermission(call, [scopeOf(issue)], 'write', docs.create);
  if (refused) return refused;
  const body = commentBody(call, docs.create);
  if (typeof body !== 'string') return body;
  const comment: StoredComment = {
    id: nextId(call.state),
    issueNumber: issue.number,
    body,
    user: actionsBot,
    createdAt: call.now,
    updatedAt: call.now,
  };
  call.repository.comments.set(comment.id, comment);
  issue.updatedAt = call.now;
  const shape = commentShape(call.urls, call.repository, comment);
  return json(201, shape, { location: shape.url });
}

/** The comment of the path with the caller's right to it, or GitHub's 404 or 403. */
function commentAt(
  call: RepositoryCall,
  level: 'read' | 'write',
  documentation: string,
): StoredComment | Reply {
  const comment = call.repository.comments.get(Number(call.params[0]));
  if (comment === undefined) return notFound(documentation);
  const issue = call.repository.issues.get(comment.issueNumber);
  return requirePermission(call, [scopeOf(issue)], level, documentation) ?? comment;
}

function getComment(call: RepositoryCall): Reply {
  const comment = commentAt(call, 'read', docs.get);
  return isReply(comment) ? comment : json(200, commentShape(call.urls, call.repository, comment));
}

function updateComment(call: RepositoryCall): Reply {
  const comment = commentAt(call, 'write', docs.update);
  if (isReply(comment)) return comment;
  const body = commentBody(call, docs.update);
  if (typeof body !== 'string') return body;
  comment.body = body;
  comment.updatedAt = call.now;
  return json(200, commentShape(call.urls, call.repository, comment));
}

function deleteComment(call: RepositoryCall): Reply {
  const comment = commentAt(call, 'write', docs.delete);
  if (isReply(comment)) return comment;
  call.repository.comments.delete(comment.id);
  return { status: 204 };
}

/** The comment routes under `/repos/{owner}/{repo}`. */
export const commentRoutes: RepositoryRoute[] = [
  {
    method: 'GET',
    path: /^\/issues\/comments$/,
    template: '/issues/comments',
    handle: listRepositoryComments,
  },
  {
    method: 'GET',
    path: /^\/issues\/comments\/(\d+)$/,
    template: '/issues/comments/{comment_id}',
    handle: getComment,
  },
  {
    method: 'PATCH',
    path: /^\/issues\/comments\/(\d+)$/,
    template: '/issues/comments/{comment_id}',
    handle: updateComment,
  },
  {
    method: 'DELETE',
    path: /^\/issues\/comments\/(\d+)$/,
    template: '/issues/comments/{comment_id}',
    handle: deleteComment,
  },
  {
    method: 'GET',
    path: /^\/issues\/(\d+)\/comments$/,
    template: '/issues/{issue_number}/comments',
    handle: listComments,
  },
  {
    method: 'POST',
    path: /^\/issues\/(\d+)\/comments$/,
    template: '/issues/{issue_number}/comments',
    handle: createComment,
  },
];
