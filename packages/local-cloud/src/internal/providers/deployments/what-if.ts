import { ArmTemplateError, renderForSnapshot, type TemplateExpansion } from '@azpn/arm-template';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { DeploymentCaller } from './provider-call.js';
import { readResource, storeResolver } from './runtime-state.js';
import { changesSomething, resourceDelta, type PropertyChange } from './what-if-delta.js';

export type { PropertyChange } from './what-if-delta.js';

/** One resource of the what-if result. */
export interface WhatIfChange {
  resourceId: string;
  changeType: 'Create' | 'Delete' | 'Modify' | 'NoChange' | 'Ignore' | 'Deploy';
  before?: unknown;
  after?: unknown;
  delta?: PropertyChange[];
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
    const delta = resourceDelta(resource.type, current, after);
    const changed = changesSomething(delta);
    changes.push({
      resourceId: resource.id,
      changeType: changed ? 'Modify' : 'NoChange',
      before: current,
      after: changed ? after : current,
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
