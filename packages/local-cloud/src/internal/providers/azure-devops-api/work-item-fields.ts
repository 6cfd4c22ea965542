/**
 * The work item fields of a project on the Basic process (Epic, Issue, Task; states To Do → Doing → Done) and the
 * JSON Patch documents that create and update work items, applied as Azure DevOps applies them: editable fields
 * only, the state kept within the type's states, tags normalised, `System.History` turned into a discussion
 * comment, `test` on `/rev` for optimistic concurrency.
 */
import type { Reply } from '../../http/exchange.js';
import { devOpsTime, type DevOpsCall } from './devops-call.js';
import { devOpsError } from './devops-errors.js';
import type { StoredWorkItem } from './devops-state.js';

/** The work item types of the Basic process. */
export const workItemTypes = ['Epic', 'Issue', 'Task'] as const;

/** The states every Basic type moves through, and the reason a move to each records. */
export const workItemStates = { 'To Do': 'Added to backlog', Doing: 'Started', Done: 'Completed' } as const;

/** Fields a patch may set, by reference name, with their display names (WIQL columns use both). */
export const editableFields: Record<string, string> = {
  'System.Title': 'Title',
  'System.Description': 'Description',
  'System.State': 'State',
  'System.Tags': 'Tags',
  'System.History': 'History',
  'System.AssignedTo': 'Assigned To',
  'System.AreaPath': 'Area Path',
  'System.IterationPath': 'Iteration Path',
  'Microsoft.VSTS.Common.Priority': 'Priority',
};

/** Fields the service sets itself. */
export const readOnlyFields: Record<string, string> = {
  'System.Id': 'ID',
  'System.Rev': 'Rev',
  'System.TeamProject': 'Team Project',
  'System.WorkItemType': 'Work Item Type',
  'System.Reason': 'Reason',
  'System.CreatedDate': 'Created Date',
  'System.CreatedBy': 'Created By',
  'System.ChangedDate': 'Changed Date',
  'System.ChangedBy': 'Changed By',
  'System.CommentCount': 'Comment Count',
  'Microsoft.VSTS.Common.StateChangeDate': 'State Change Date',
  'Microsoft.VSTS.Common.ClosedDate': 'Closed Date',
};

/** A field's reference name as the process spells it, from any case. */
export function fieldNamed(name: string): string | undefined {
  const lower = name.toLowerCase();
  return [...Object.keys(editableFields), ...Object.keys(readOnlyFields)].find(
    (f) => f.toLowerCase() === lower,
  );
}

/** `a;B; a ` → `a; B`: tags trimmed, duplicates (regardless of case) dropped, joined as Azure DevOps joins them. */
export function normaliseTags(value: unknown): string {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const tag of String(value ?? '')
    .split(';')
    .map((t) => t.trim())) {
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags.join('; ');
}

/** One JSON Patch operation of a work item document. */
interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

const ruleError = (field: string) =>
  devOpsError(
    400,
    'RuleValidationException',
    `TF401320: Rule Error for field ${field}. Error code: Required, InvalidListValue, LimitedToValues, InvalidEmpty.`,
  );

/** The value a field takes from a patch, checked against the process, or the refusal. */
function fieldValue(item: StoredWorkItem, field: string, value: unknown): unknown {
  if (field === 'System.Tags') return normaliseTags(value);
  if (field === 'System.State') {
    const state = Object.keys(workItemStates).find((s) => s.toLowerCase() === String(value).toLowerCase());
    return state ?? ruleError('State');
  }
  if (field === 'System.Title') {
    const title = String(value ?? '').trim();
    return title === '' || title.length > 255 ? ruleError('Title') : title;
  }
  if (field === 'System.AreaPath' || field === 'System.IterationPath') {
    const project = String(item.fields['System.TeamProject']);
    const path = String(value);
    const inside =
      path.toLowerCase() === project.toLowerCase() ||
      path.toLowerCase().startsWith(`${project.toLowerCase()}\\`);
    return inside
      ? path
      : devOpsError(
          400,
          'WorkItemFieldInvalidTreeNameException',
          `TF401347: Invalid tree name given for work item ${item.id}, field '${field}'.`,
        );
  }
  return value;
}

/** Applies one operation; answers a refusal, or undefined once applied. */
function applyOperation(
  item: StoredWorkItem,
  operation: PatchOperation,
  history: string[],
): Reply | undefined {
  if (operation.path === '/rev') {
    if (operation.op === 'test' && Number(operation.value) !== item.rev)
      return devOpsError(
        412,
        'WorkItemRevisionMismatchException',
        `TF26071: This work item has been changed by someone else since you opened it. You will need to refresh it and discard your changes.`,
      );
    return operation.op === 'test'
      ? undefined
      : devOpsError(400, 'InvalidPatchException', 'Only test applies to /rev.');
  }
  const raw = /^\/fields\/(.+)$/.exec(operation.path)?.[1];
  if (raw === undefined)
    return devOpsError(
      400,
      'InvalidPatchException',
      `The patch path ${operation.path} is not one the stand-in applies: use /fields/{referenceName} or /rev.`,
    );
  const field = fieldNamed(raw);
  if (field === undefined)
    return devOpsError(400, 'WorkItemFieldNotFoundException', `TF51535: Cannot find field ${raw}.`);
  if (field in readOnlyFields)
    return devOpsError(
      400,
      'WorkItemFieldReadOnlyException',
      `TF401326: Invalid field status 'ReadOnly' for field '${field}'.`,
    );
  if (operation.op === 'test')
    return item.fields[field] === operation.value
      ? undefined
      : devOpsError(400, 'TestOperationFailedException', `The test of ${field} failed.`);
  if (operation.op === 'remove') {
    if (field === 'System.Title' || field === 'System.State') return ruleError(field.slice(7));
    delete item.fields[field];
    return undefined;
  }
  if (operation.op !== 'add' && operation.op !== 'replace')
    return devOpsError(
      400,
      'InvalidPatchException',
      `The patch operation ${operation.op} is not supported: use add, replace, remove or test.`,
    );
  if (field === 'System.History') {
    if (String(operation.value ?? '').trim()) history.push(String(operation.value));
    return undefined;
  }
  const value = fieldValue(item, field, operation.value);
  if (typeof value === 'object' && value !== null && 'status' in value) return value as Reply;
  item.fields[field] = value;
  return undefined;
}

/** The operations of a patch document, or the refusal of one that is not a JSON Patch array. */
export function patchOperations(body: unknown): PatchOperation[] | Reply {
  const valid =
    Array.isArray(body) &&
    body.every(
      (o) => typeof o === 'object' && o !== null && typeof o.op === 'string' && typeof o.path === 'string',
    );
  if (!valid)
    return devOpsError(
      400,
      'InvalidPatchException',
      'The request body must be a JSON Patch document: an array of { op, path, value } operations.',
    );
  return (body as PatchOperation[]).map((o) => ({ ...o, op: o.op.toLowerCase() }));
}

/**
 * Applies a patch to a copy of the work item and answers the new record (revision, changed date and by, state
 * change date and reason when the state moved) with the history texts to add as comments; nothing changes when an
 * operation is refused.
 */
export function applyPatch(
  call: DevOpsCall,
  item: StoredWorkItem,
  operations: PatchOperation[],
): { item: StoredWorkItem; history: string[] } | Reply {
  const next: StoredWorkItem = { ...item, fields: { ...item.fields } };
  const history: string[] = [];
  for (const operation of operations) {
    const refused = applyOperation(next, operation, history);
    if (refused) return refused;
  }
  const by = call.state.buildService.displayName;
  const state = next.fields['System.State'] as keyof typeof workItemStates;
  if (state !== item.fields['System.State']) {
    next.fields['System.Reason'] = workItemStates[state];
    next.fields['Microsoft.VSTS.Common.StateChangeDate'] = devOpsTime(call.now);
    if (state === 'Done') next.fields['Microsoft.VSTS.Common.ClosedDate'] = devOpsTime(call.now);
    else delete next.fields['Microsoft.VSTS.Common.ClosedDate'];
  }
  if (next.fields['System.Tags'] === '') delete next.fields['System.Tags'];
  next.rev = item.rev + 1;
  next.fields['System.Rev'] = next.rev;
  next.fields['System.ChangedDate'] = devOpsTime(call.now);
  next.fields['System.ChangedBy'] = by;
  return { item: next, history };
}
