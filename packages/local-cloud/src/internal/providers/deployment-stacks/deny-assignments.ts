import { createHash } from 'node:crypto';
import type { Reply } from '../../http/exchange.js';
import type { ArmAuthorizationRequest, ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { stacksOf, type StackRecord } from './stack-record.js';

/** One deny assignment a stack keeps: on a managed resource, reaching its children when the stack says so. */
interface DenyAssignment {
  stack: StackRecord;
  /** The managed resource it sits on. */
  scope: string;
}

/** ARM's action patterns: `*` matches any run of characters, case does not matter. */
function matchesAction(pattern: string, action: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

/**
 * The actions the stack's mode denies: every delete (`denyDelete`), or every action but reads
 * (`denyWriteAndDelete`); the excluded actions, and the ones the service always excludes, are let through.
 */
function deniesAction(stack: StackRecord, action: string): boolean {
  const { mode, excludedActions = [] } = stack.denySettings;
  const always =
    mode === 'denyWriteAndDelete'
      ? ['*/read', 'Microsoft.Authorization/locks/delete']
      : ['Microsoft.Authorization/locks/delete'];
  if ([...excludedActions, ...always].some((pattern) => matchesAction(pattern, action))) return false;
  if (mode === 'denyDelete') return /\/delete$/i.test(action);
  return mode === 'denyWriteAndDelete';
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function under(id: string, scope: string): boolean {
  return id.toLowerCase().startsWith(`${scope.toLowerCase()}/`);
}

/** The assignment of a stack that covers `scope`: on it, or (with applyToChildScopes) on a parent of it. */
function coveringAssignment(stack: StackRecord, scope: string): DenyAssignment | undefined {
  const reaching = stack.resources.find(
    (r) => sameId(r.id, scope) || (stack.denySettings.applyToChildScopes === true && under(scope, r.id)),
  );
  return reaching === undefined ? undefined : { stack, scope: reaching.id };
}

/**
 * The assignment that stops `request`, if any: a stack in deny mode managing the scope (or what a resource group to
 * delete holds, which ARM deletes on the caller's authority), unless the stack itself acts, or the principal or the
 * action is excluded.
 */
function denyingAssignment(
  context: ArmContext,
  request: ArmAuthorizationRequest,
): DenyAssignment | undefined {
  const groupDelete = /^Microsoft\.Resources\/subscriptions\/resourceGroups\/delete$/i.test(request.action);
  for (const stack of stacksOf(context.store).values()) {
    if (
      stack.denySettings.mode === 'none' ||
      (request.actingFor !== undefined && sameId(request.actingFor, stack.id))
    )
      continue;
    const excluded = stack.denySettings.excludedPrincipals ?? [];
    if (request.principal !== undefined && excluded.some((p) => sameId(p, request.principal!))) continue;
    if (!deniesAction(stack, request.action)) continue;
    const direct = coveringAssignment(stack, request.scope);
    if (direct !== undefined) return direct;
    const held = groupDelete ? stack.resources.find((r) => under(r.id, request.scope)) : undefined;
    if (held !== undefined) return { stack, scope: held.id };
  }
  return undefined;
}

/** The assignment's id as ARM shows it: 32 hex digits, the same for a stack's resource on every call. */
function assignmentId(assignment: DenyAssignment): string {
  return createHash('sha256')
    .update(`${assignment.stack.id.toLowerCase()}|${assignment.scope.toLowerCase()}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * The deployment stacks' part of ARM's authorization (the `authorize` hook): a write, delete or action on what a
 * stack with deny settings manages is refused with ARM's 403 `DenyAssignmentAuthorizationFailed`, in ARM's words.
 */
export function authorizeAgainstStacks(
  context: ArmContext,
  request: ArmAuthorizationRequest,
): Reply | undefined {
  const assignment = denyingAssignment(context, request);
  if (assignment === undefined) return undefined;
  const id = assignmentId(assignment);
  const name = `Deny assignment '${id}' created by Deployment Stack '${assignment.stack.id}'.`;
  const principal = request.principal ?? '';
  return armError(
    403,
    'DenyAssignmentAuthorizationFailed',
    `The client '${request.clientId ?? principal}' with object id '${principal}' has permission to perform action '${request.action}' on scope '${request.scope}'; however, the access is denied because of the deny assignment with name '${name}' and Id '${id}' at scope '${assignment.scope}'.`,
  );
}
