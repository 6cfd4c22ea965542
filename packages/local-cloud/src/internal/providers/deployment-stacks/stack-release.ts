import type { ArmContext } from '../../arm/arm-provider.js';
import { typeOfId } from '../../arm/generic-resources.js';
import { defaultApiVersionFor } from '../../arm/resource-providers.js';
import { callProvider, type DeploymentCaller, type ProviderError } from '../../arm-calls/call-provider.js';
import type { ActionOnUnmanage } from './stack-record.js';

/** What became of the resources a stack let go: deleted, detached, or still there because the delete failed. */
export interface Released {
  deleted: { id: string }[];
  detached: { id: string }[];
  failed: { id: string; error: ProviderError }[];
}

const groupId = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/i;

/** The api-version ARM's callers use for a type: resource groups are ARM's own. */
function apiVersionOf(context: ArmContext, id: string): string {
  return groupId.test(id) ? '2024-03-01' : defaultApiVersionFor(context, typeOfId(id));
}

async function deleteOne(
  context: ArmContext,
  caller: DeploymentCaller,
  id: string,
): Promise<ProviderError | undefined> {
  const outcome = await callProvider(context, caller, {
    method: 'DELETE',
    id,
    apiVersion: apiVersionOf(context, id),
  });
  // Already gone (its group deleted before it, or by someone else) is what a delete wants.
  if (outcome.ok || outcome.status === 404) return undefined;
  return outcome.error;
}

/**
 * Lets go of resources a stack no longer manages, as `actionOnUnmanage` says: deletes resources (children before
 * parents) and then resource groups where it says `delete`, detaches the rest. The deletes go through ARM's request
 * path on the caller's behalf, the stack acting (`caller.actingFor`), so its own deny assignments let them through.
 */
export async function releaseResources(
  context: ArmContext,
  caller: DeploymentCaller,
  ids: string[],
  action: ActionOnUnmanage,
): Promise<Released> {
  const released: Released = { deleted: [], detached: [], failed: [] };
  const groups = ids.filter((id) => groupId.test(id));
  const resources = ids
    .filter((id) => !groupId.test(id))
    .sort((a, b) => b.split('/').length - a.split('/').length);
  const deletes = (id: string) =>
    (groupId.test(id) ? (action.resourceGroups ?? 'detach') : action.resources) === 'delete';
  for (const id of [...resources, ...groups]) {
    if (!deletes(id)) {
      released.detached.push({ id });
      continue;
    }
    const error = await deleteOne(context, caller, id);
    if (error === undefined) released.deleted.push({ id });
    else released.failed.push({ id, error });
  }
  return released;
}
