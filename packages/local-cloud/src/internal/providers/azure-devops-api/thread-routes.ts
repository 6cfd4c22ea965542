/**
 * Pull request threads and their comments: list, get, create a thread with its first comment, update a thread's
 * status and properties, add, edit and delete comments. Statuses and comment types arrive as the REST API's names or
 * as the numbers of `azure-devops-node-api`'s enums, and are answered as names.
 */
import { json, type Reply } from '../../http/exchange.js';
import {
  devOpsTime,
  identityRef,
  isReply,
  numberParam,
  type DevOpsCall,
  type DevOpsRoute,
} from './devops-call.js';
import { devOpsError } from './devops-errors.js';
import { locations } from './devops-locations.js';
import { pullRequestOf } from './pull-request-routes.js';
import {
  threadStatuses,
  type PullRequestThread,
  type StoredPullRequest,
  type ThreadComment,
  type ThreadStatus,
} from './devops-state.js';

const commentTypes = ['unknown', 'text', 'codeChange', 'system'] as const;

/** A name of `names`, given as the name (any case) or as its enum number. */
function enumValue<T extends string>(names: readonly T[], value: unknown): T | undefined {
  if (typeof value === 'number') return names[value];
  if (typeof value !== 'string') return undefined;
  return names.find((n) => n.toLowerCase() === value.toLowerCase());
}

function threadUrl(call: DevOpsCall, pull: StoredPullRequest, thread: PullRequestThread): string {
  return `${call.collection}${call.project.id}/_apis/git/repositories/${pull.repositoryId}/pullRequests/${pull.pullRequestId}/threads/${thread.id}`;
}

function commentShape(
  call: DevOpsCall,
  pull: StoredPullRequest,
  thread: PullRequestThread,
  c: ThreadComment,
) {
  const url = `${threadUrl(call, pull, thread)}/comments/${c.id}`;
  return {
    id: c.id,
    parentCommentId: c.parentCommentId,
    author: identityRef(call, c.author),
    content: c.content,
    publishedDate: devOpsTime(c.publishedDate),
    lastUpdatedDate: devOpsTime(c.lastUpdatedDate),
    lastContentUpdatedDate: devOpsTime(c.lastContentUpdatedDate),
    commentType: c.commentType,
    usersLiked: [],
    ...(c.isDeleted ? { isDeleted: true } : {}),
    _links: { self: { href: url }, threads: { href: threadUrl(call, pull, thread) } },
  };
}

function threadShape(call: DevOpsCall, pull: StoredPullRequest, thread: PullRequestThread) {
  return {
    pullRequestThreadContext: null,
    id: thread.id,
    publishedDate: devOpsTime(thread.publishedDate),
    lastUpdatedDate: devOpsTime(thread.lastUpdatedDate),
    comments: thread.comments.map((c) => commentShape(call, pull, thread, c)),
    status: thread.status,
    threadContext: null,
    properties: thread.properties,
    identities: null,
    isDeleted: thread.isDeleted,
    _links: { self: { href: threadUrl(call, pull, thread) } },
  };
}

/** Thread properties as stored: `{ $type, $value }` whether sent so, as `{ type, value }` or as a bare value. */
function propertiesOf(value: unknown): PullRequestThread['properties'] {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      const typed = v as { $type?: string; $value?: unknown; type?: string; value?: unknown } | null;
      if (typed && typeof typed === 'object' && ('$value' in typed || 'value' in typed))
        return [
          key,
          { $type: typed.$type ?? typed.type ?? 'System.String', $value: typed.$value ?? typed.value },
        ];
      return [key, { $type: typeof v === 'number' ? 'System.Int32' : 'System.String', $value: v }];
    }),
  );
}

/** A comment from a request body, or Azure DevOps' 400. */
function newComment(call: DevOpsCall, body: unknown, id: number): ThreadComment | Reply {
  const fields = (body ?? {}) as { content?: unknown; parentCommentId?: unknown; commentType?: unknown };
  if (typeof fields.content !== 'string' || fields.content === '')
    return devOpsError(400, 'InvalidArgumentValueException', 'The comment content must be supplied.');
  return {
    id,
    parentCommentId: typeof fields.parentCommentId === 'number' ? fields.parentCommentId : 0,
    author: call.state.buildService,
    content: fields.content,
    commentType: enumValue(commentTypes, fields.commentType) ?? 'text',
    publishedDate: call.now,
    lastUpdatedDate: call.now,
    lastContentUpdatedDate: call.now,
    isDeleted: false,
  };
}

/** The thread of the route, or Azure DevOps' 404. */
function threadOf(call: DevOpsCall, pull: StoredPullRequest): PullRequestThread | Reply {
  const id = numberParam(call, 'threadId');
  const thread = pull.threads.find((t) => t.id === id);
  return (
    thread ??
    devOpsError(404, 'CommentThreadNotFoundException', `The thread ${call.params.threadId} was not found.`)
  );
}

function getThreads(call: DevOpsCall): Reply {
  const pull = pullRequestOf(call);
  if (isReply(pull)) return pull;
  if (call.params.threadId === undefined) {
    const value = pull.threads.map((t) => threadShape(call, pull, t));
    return json(200, { count: value.length, value });
  }
  const thread = threadOf(call, pull);
  return isReply(thread) ? thread : json(200, threadShape(call, pull, thread));
}

function createThread(call: DevOpsCall): Reply {
  const pull = pullRequestOf(call);
  if (isReply(pull)) return pull;
  const body = (call.body ?? {}) as { comments?: unknown; status?: unknown; properties?: unknown };
  const given = Array.isArray(body.comments) ? body.comments : [];
  const comments: ThreadComment[] = [];
  for (const [index, c] of given.entries()) {
    const comment = newComment(call, c, index + 1);
    if (isReply(comment)) return comment;
    comments.push(comment);
  }
  const thread: PullRequestThread = {
    id: Math.max(0, ...pull.threads.map((t) => t.id)) + 1,
    status: enumValue(threadStatuses, body.status) ?? 'active',
    comments,
    properties: propertiesOf(body.properties),
    publishedDate: call.now,
    lastUpdatedDate: call.now,
    isDeleted: false,
  };
  pull.threads.push(thread);
  return json(200, threadShape(call, pull, thread));
}

function updateThread(call: DevOpsCall): Reply {
  const pull = pullRequestOf(call);
  if (isReply(pull)) return pull;
  const thread = threadOf(call, pull);
  if (isReply(thread)) return thread;
  const body = (call.body ?? {}) as { status?: unknown; properties?: unknown };
  if (body.status !== undefined) {
    const status = enumValue<ThreadStatus>(threadStatuses, body.status);
    if (status === undefined)
      return devOpsError(
        400,
        'InvalidArgumentValueException',
        `The thread status ${JSON.stringify(body.status)} is not valid.`,
      );
    thread.status = status;
  }
  if (body.properties !== undefined) Object.assign(thread.properties, propertiesOf(body.properties));
  thread.lastUpdatedDate = call.now;
  return json(200, threadShape(call, pull, thread));
}

/** The pull request and thread of a comment route. */
function inThread(call: DevOpsCall): { pull: StoredPullRequest; thread: PullRequestThread } | Reply {
  const pull = pullRequestOf(call);
  if (isReply(pull)) return pull;
  const thread = threadOf(call, pull);
  return isReply(thread) ? thread : { pull, thread };
}

function commentOf(call: DevOpsCall, thread: PullRequestThread): ThreadComment | Reply {
  const id = numberParam(call, 'commentId');
  const comment = thread.comments.find((c) => c.id === id);
  return (
    comment ??
    devOpsError(404, 'CommentNotFoundException', `The comment ${call.params.commentId} was not found.`)
  );
}

function getComments(call: DevOpsCall): Reply {
  const found = inThread(call);
  if (isReply(found)) return found;
  const { pull, thread } = found;
  if (call.params.commentId === undefined) {
    const value = thread.comments.map((c) => commentShape(call, pull, thread, c));
    return json(200, { count: value.length, value });
  }
  const comment = commentOf(call, thread);
  return isReply(comment) ? comment : json(200, commentShape(call, pull, thread, comment));
}

function createComment(call: DevOpsCall): Reply {
  const found = inThread(call);
  if (isReply(found)) return found;
  const { pull, thread } = found;
  const comment = newComment(call, call.body, Math.max(0, ...thread.comments.map((c) => c.id)) + 1);
  if (isReply(comment)) return comment;
  thread.comments.push(comment);
  thread.lastUpdatedDate = call.now;
  return json(200, commentShape(call, pull, thread, comment));
}

function updateComment(call: DevOpsCall): Reply {
  const found = inThread(call);
  if (isReply(found)) return found;
  const { pull, thread } = found;
  const comment = commentOf(call, thread);
  if (isReply(comment)) return comment;
  const content = (call.body as { content?: unknown } | undefined)?.content;
  if (typeof content !== 'string' || content === '')
    return devOpsError(400, 'InvalidArgumentValueException', 'The comment content must be supplied.');
  comment.content = content;
  comment.lastUpdatedDate = comment.lastContentUpdatedDate = thread.lastUpdatedDate = call.now;
  return json(200, commentShape(call, pull, thread, comment));
}

function deleteComment(call: DevOpsCall): Reply {
  const found = inThread(call);
  if (isReply(found)) return found;
  const comment = commentOf(call, found.thread);
  if (isReply(comment)) return comment;
  comment.isDeleted = true;
  comment.content = '';
  comment.lastUpdatedDate = call.now;
  return { status: 200 };
}

/** The thread and comment routes. */
export const threadRoutes: DevOpsRoute[] = [
  { location: locations.threads, method: 'GET', handle: getThreads },
  { location: locations.threads, method: 'POST', handle: createThread },
  { location: locations.threads, method: 'PATCH', handle: updateThread },
  { location: locations.comments, method: 'GET', handle: getComments },
  { location: locations.comments, method: 'POST', handle: createComment },
  { location: locations.comments, method: 'PATCH', handle: updateComment },
  { location: locations.comments, method: 'DELETE', handle: deleteComment },
];
