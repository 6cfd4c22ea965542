/**
 * Work items: create from a JSON Patch document (`application/json-patch+json`, as the clients send it), get one or
 * a list by ids, update, query with WIQL, and the discussion comments. Revisions count each change.
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
import type { StoredWorkItem, WorkItemComment } from './devops-state.js';
import {
  applyPatch,
  editableFields,
  patchOperations,
  readOnlyFields,
  workItemTypes,
} from './work-item-fields.js';
import { parseWiql, satisfies, WiqlError } from './wiql.js';

const itemUrl = (call: DevOpsCall, id: number) =>
  `${call.collection}${call.project.id}/_apis/wit/workItems/${id}`;

/** A work item as `WorkItem`, with only `fields` when the call names some. */
function workItemShape(call: DevOpsCall, item: StoredWorkItem, only?: string[]) {
  const identity = identityRef(call, call.state.buildService);
  const fields = Object.fromEntries(
    Object.entries(item.fields)
      .filter(([name]) => only === undefined || only.some((f) => f.toLowerCase() === name.toLowerCase()))
      .map(([name, value]) => [
        name,
        name === 'System.CreatedBy' || name === 'System.ChangedBy' ? identity : value,
      ]),
  );
  const url = itemUrl(call, item.id);
  return {
    id: item.id,
    rev: item.rev,
    fields,
    commentVersionRef:
      item.comments.length > 0
        ? {
            commentId: item.comments.at(-1)!.id,
            version: 1,
            url: `${url}/comments/${item.comments.at(-1)!.id}`,
          }
        : undefined,
    _links: {
      self: { href: url },
      workItemUpdates: { href: `${url}/updates` },
      workItemRevisions: { href: `${url}/revisions` },
      workItemComments: { href: `${url}/comments` },
      html: { href: `${call.collection}${encodeURIComponent(call.project.name)}/_workitems/edit/${item.id}` },
    },
    url,
  };
}

const itemMissing = (id: number | string | undefined) =>
  devOpsError(
    404,
    'WorkItemDoesNotExistException',
    `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`,
  );

/** The refusal of a patch sent with another content type than JSON Patch. */
function refuseContentType(call: DevOpsCall): Reply | undefined {
  const type = String(call.exchange.headers['content-type'] ?? '');
  if (/^application\/json-patch\+json/i.test(type)) return undefined;
  return devOpsError(
    415,
    'VssRequestContentTypeNotSupportedException',
    `The request indicated a Content-Type of "${type || 'none'}" for method type "${call.exchange.method}" which is not supported. Valid content types for this method are: application/json-patch+json.`,
  );
}

function commentFrom(call: DevOpsCall, item: StoredWorkItem, text: string): WorkItemComment {
  const comment = {
    id: Math.max(0, ...item.comments.map((c) => c.id)) + 1,
    text,
    createdBy: call.state.buildService,
    createdDate: call.now,
    modifiedDate: call.now,
    version: 1,
  };
  item.comments.push(comment);
  item.fields['System.CommentCount'] = item.comments.length;
  return comment;
}

/** Stores the patched work item and its history comments; answers it. */
function keep(call: DevOpsCall, patched: { item: StoredWorkItem; history: string[] }): Reply {
  call.state.workItems.set(patched.item.id, patched.item);
  for (const text of patched.history) commentFrom(call, patched.item, text);
  return json(200, workItemShape(call, patched.item));
}

function createWorkItem(call: DevOpsCall): Reply {
  const refused = refuseContentType(call);
  if (refused) return refused;
  const type = workItemTypes.find((t) => t.toLowerCase() === (call.params.type ?? '').toLowerCase());
  if (type === undefined)
    return devOpsError(
      404,
      'WorkItemTypeNotFoundException',
      `VS402323: Work item type ${call.params.type} does not exist in project ${call.project.name} or you do not have permission to access it.`,
    );
  const operations = patchOperations(call.body);
  if (isReply(operations)) return operations;
  const id = call.state.nextWorkItemId;
  const blank: StoredWorkItem = {
    id,
    rev: 0,
    comments: [],
    fields: {
      'System.Id': id,
      'System.AreaPath': call.project.name,
      'System.TeamProject': call.project.name,
      'System.IterationPath': call.project.name,
      'System.WorkItemType': type,
      'System.State': 'To Do',
      'System.Reason': 'Added to backlog',
      'System.CreatedDate': devOpsTime(call.now),
      'System.CreatedBy': call.state.buildService.displayName,
      'System.CommentCount': 0,
      'Microsoft.VSTS.Common.StateChangeDate': devOpsTime(call.now),
      'Microsoft.VSTS.Common.Priority': 2,
    },
  };
  const patched = applyPatch(call, blank, operations);
  if (isReply(patched)) return patched;
  if (!patched.item.fields['System.Title'])
    return devOpsError(
      400,
      'RuleValidationException',
      'TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.',
    );
  call.state.nextWorkItemId++;
  return keep(call, patched);
}

function updateWorkItem(call: DevOpsCall): Reply {
  const refused = refuseContentType(call);
  if (refused) return refused;
  const item = call.state.workItems.get(numberParam(call, 'id') ?? -1);
  if (item === undefined) return itemMissing(call.params.id);
  const operations = patchOperations(call.body);
  if (isReply(operations)) return operations;
  const patched = applyPatch(call, item, operations);
  return isReply(patched) ? patched : keep(call, patched);
}

const fieldsQuery = (call: DevOpsCall) =>
  call.exchange.query
    .get('fields')
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean);

function getWorkItems(call: DevOpsCall): Reply {
  const only = fieldsQuery(call);
  if (call.params.id !== undefined) {
    const item = call.state.workItems.get(numberParam(call, 'id') ?? -1);
    return item === undefined ? itemMissing(call.params.id) : json(200, workItemShape(call, item, only));
  }
  const ids = (call.exchange.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
  if (ids.length === 0)
    return devOpsError(
      400,
      'InvalidArgumentValueException',
      'The ids query parameter must list the work items to get.',
    );
  const omit = call.exchange.query.get('errorPolicy')?.toLowerCase() === 'omit';
  const missing = ids.find((id) => !call.state.workItems.has(id));
  if (missing !== undefined && !omit) return itemMissing(missing);
  const value = ids.map((id) => {
    const item = call.state.workItems.get(id);
    return item === undefined ? null : workItemShape(call, item, only);
  });
  return json(200, { count: value.length, value });
}

/** A WIQL column: reference name, display name and the field's URL. */
function column(call: DevOpsCall, field: string) {
  return {
    referenceName: field,
    name: editableFields[field] ?? readOnlyFields[field] ?? field,
    url: `${call.collection}_apis/wit/fields/${field}`,
  };
}

function queryByWiql(call: DevOpsCall): Reply {
  const query = (call.body as { query?: unknown } | undefined)?.query;
  if (typeof query !== 'string')
    return devOpsError(
      400,
      'InvalidArgumentValueException',
      'The WIQL query must be supplied as { "query": "SELECT … FROM WorkItems …" }.',
    );
  let parsed;
  try {
    parsed = parseWiql(query, { '@project': call.project.name });
  } catch (error) {
    if (error instanceof WiqlError) return devOpsError(400, 'WiqlSyntaxException', error.message);
    throw error;
  }
  const where = parsed.where;
  let found = [...call.state.workItems.values()].filter(
    (i) => where === undefined || satisfies(where, i.fields),
  );
  const order = parsed.orderBy.length > 0 ? parsed.orderBy : [{ field: 'System.Id', descending: false }];
  found = found.sort((a, b) => {
    for (const { field, descending } of order) {
      const [x, y] = [a.fields[field], b.fields[field]];
      const compared =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x ?? '').localeCompare(String(y ?? ''));
      if (compared !== 0) return descending ? -compared : compared;
    }
    return a.id - b.id;
  });
  const top = Number(call.exchange.query.get('$top') ?? '');
  if (Number.isInteger(top) && top > 0) found = found.slice(0, top);
  return json(200, {
    queryType: 'flat',
    queryResultType: 'workItem',
    asOf: devOpsTime(call.now),
    columns: parsed.fields.map((f) => column(call, f)),
    sortColumns: parsed.orderBy.map((o) => ({ field: column(call, o.field), descending: o.descending })),
    workItems: found.map((i) => ({ id: i.id, url: itemUrl(call, i.id) })),
  });
}

function commentShape(call: DevOpsCall, item: StoredWorkItem, comment: WorkItemComment) {
  const identity = identityRef(call, comment.createdBy);
  return {
    workItemId: item.id,
    id: comment.id,
    version: comment.version,
    text: comment.text,
    createdBy: identity,
    createdDate: devOpsTime(comment.createdDate),
    modifiedBy: identity,
    modifiedDate: devOpsTime(comment.modifiedDate),
    url: `${itemUrl(call, item.id)}/comments/${comment.id}`,
  };
}

function workItemComments(call: DevOpsCall): Reply {
  const item = call.state.workItems.get(numberParam(call, 'workItemId') ?? -1);
  if (item === undefined) return itemMissing(call.params.workItemId);
  if (call.exchange.method === 'POST') {
    const text = (call.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '')
      return devOpsError(400, 'InvalidArgumentValueException', 'The comment text must be supplied.');
    return json(200, commentShape(call, item, commentFrom(call, item, text)));
  }
  const comments = item.comments.map((c) => commentShape(call, item, c));
  return json(200, { totalCount: comments.length, count: comments.length, comments });
}

/** The work item routes. */
export const workItemRoutes: DevOpsRoute[] = [
  { location: locations.workItemCreate, method: 'POST', handle: createWorkItem },
  { location: locations.workItems, method: 'GET', handle: getWorkItems },
  { location: locations.workItems, method: 'PATCH', handle: updateWorkItem },
  { location: locations.wiql, method: 'POST', handle: queryByWiql },
  { location: locations.workItemComments, method: 'GET', handle: workItemComments },
  { location: locations.workItemComments, method: 'POST', handle: workItemComments },
];
