import { ArmTemplateError, renderForSnapshot, type TemplateExpansion } from '@azpn/arm-template';
import type { ArmContext } from '../../arm/arm-provider.js';
import { isWriteOnly } from '../../arm/write-only.js';
import type { DeploymentCaller } from './provider-call.js';
import { readResource, storeResolver } from './runtime-state.js';

/** One property-level difference, as what-if reports it in `delta`. */
export interface PropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Delete' | 'Modify' | 'Array' | 'NoEffect';
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

/** One resource of the what-if result. */
export interface WhatIfChange {
  resourceId: string;
  changeType: 'Create' | 'Delete' | 'Modify' | 'NoChange' | 'Ignore' | 'Deploy';
  before?: unknown;
  after?: unknown;
  delta?: PropertyChange[];
}

/** The top-level members of a resource body that describe it (the rest, like name and type, identify it). */
const comparedMembers = ['location', 'tags', 'sku', 'kind', 'identity', 'zones', 'plan', 'properties'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An unevaluated ARM expression (a value that needs deployment-time state): what-if cannot compare it. */
function isUnevaluated(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('[') && value.endsWith(']');
}

/** Values equal as ARM compares them: resource ids and locations without regard to case or spacing. */
function sameScalar(before: unknown, after: unknown, path: string): boolean {
  if (before === after) return true;
  if (typeof before !== 'string' || typeof after !== 'string') return false;
  if (before.startsWith('/subscriptions/') || path === 'location') {
    const fold = (s: string) => s.toLowerCase().replaceAll(' ', '');
    return fold(before) === fold(after);
  }
  return false;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/**
 * The changes from `before` (deployed state) to `after` (what the template declares). Only what the template
 * declares is compared, so members providers add (ids, etags, provisioningState, defaults) are not changes; tags
 * belong to the template entirely, so a tag it does not declare is a Delete.
 */
export function propertyDelta(before: unknown, after: unknown, path = ''): PropertyChange[] {
  // A null the template sends leaves the property to the provider (a Dynamic address, a default), as ARM treats it.
  if (isUnevaluated(after) || after === null) return [];
  if (isObject(after)) {
    if (!isObject(before))
      return before === undefined ? [] : [{ path, propertyChangeType: 'Modify', before, after }];
    const changes: PropertyChange[] = [];
    for (const [key, value] of Object.entries(after)) {
      const childPath = join(path, key);
      if (!(key in before)) {
        // Providers never answer write-only members, so their absence in the current state is not a change.
        if (!isWriteOnly(key) && value !== null)
          changes.push({ path: childPath, propertyChangeType: 'Create', after: value });
      } else changes.push(...propertyDelta(before[key], value, childPath));
    }
    if (path === 'tags') {
      for (const [key, value] of Object.entries(before))
        if (!(key in after))
          changes.push({ path: join(path, key), propertyChangeType: 'Delete', before: value });
    }
    return changes;
  }
  if (Array.isArray(after)) {
    if (!Array.isArray(before)) return [{ path, propertyChangeType: 'Modify', before, after }];
    const children: PropertyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length)
        children.push({ path: String(i), propertyChangeType: 'Create', after: after[i] });
      else if (i >= after.length)
        children.push({ path: String(i), propertyChangeType: 'Delete', before: before[i] });
      else {
        const inner = propertyDelta(before[i], after[i]);
        // A changed scalar item is itself the change; an object item holds its changed properties.
        if (inner.length === 1 && inner[0]!.path === '') children.push({ ...inner[0]!, path: String(i) });
        else if (inner.length > 0)
          children.push({ path: String(i), propertyChangeType: 'Modify', children: inner });
      }
    }
    return children.length === 0 ? [] : [{ path, propertyChangeType: 'Array', children }];
  }
  return sameScalar(before, after, path) ? [] : [{ path, propertyChangeType: 'Modify', before, after }];
}

/** The body the template would send, with values that need deployment-time state left as expressions. */
function declaredBody(
  expansion: TemplateExpansion,
  id: string,
  context: ArmContext,
  caller: DeploymentCaller,
): Record<string, unknown> {
  const planned = expansion.resources.find((r) => r.id === id)!;
  if (!planned.pending) return JSON.parse(JSON.stringify(planned.body)) as Record<string, unknown>;
  try {
    return JSON.parse(
      JSON.stringify(expansion.finishResource(id, storeResolver(context, caller, expansion))),
    );
  } catch (error) {
    if (!(error instanceof ArmTemplateError)) throw error;
    return renderForSnapshot(planned.body) as Record<string, unknown>;
  }
}

/**
 * What a deployment of `expansion` would change, against the real current state: Create, Modify (with delta) or
 * NoChange for each declared resource; each other resource of the target group is Delete in Complete mode and
 * Ignore in Incremental mode.
 */
export function computeWhatIf(
  context: ArmContext,
  caller: DeploymentCaller,
  expansion: TemplateExpansion,
  target: { subscriptionId: string; resourceGroup?: string; mode: 'Incremental' | 'Complete' },
): WhatIfChange[] {
  const changes: WhatIfChange[] = [];
  const active = expansion.resources.filter((r) => r.condition);
  for (const resource of active) {
    const body = declaredBody(expansion, resource.id, context, caller);
    const after = {
      id: resource.id,
      name: resource.name,
      type: resource.type,
      apiVersion: resource.apiVersion,
      ...body,
    };
    const current = readResource(context, caller, resource.id, resource.apiVersion);
    if (current === undefined) {
      changes.push({ resourceId: resource.id, changeType: 'Create', after });
      continue;
    }
    const delta = comparedMembers.flatMap((member) =>
      member in body ? propertyDelta(current[member], body[member], member) : [],
    );
    changes.push({
      resourceId: resource.id,
      changeType: delta.length === 0 ? 'NoChange' : 'Modify',
      before: current,
      after: delta.length === 0 ? current : after,
      ...(delta.length === 0 ? {} : { delta }),
    });
  }
  // At subscription scope nothing else is reported: such deployments are Incremental only.
  if (target.resourceGroup === undefined) return changes;
  const declared = new Set(active.map((r) => r.id.toLowerCase()));
  const group = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}`;
  for (const resource of context.store.resourcesUnder(group)) {
    if (resource.id.split('/').length !== 9 || declared.has(resource.id.toLowerCase())) continue;
    changes.push({
      resourceId: resource.id,
      changeType: target.mode === 'Complete' ? 'Delete' : 'Ignore',
      before: resource,
    });
  }
  return changes;
}
