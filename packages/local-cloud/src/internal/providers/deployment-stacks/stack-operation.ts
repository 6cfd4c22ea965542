import { randomUUID } from 'node:crypto';
import { json, type Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceStore } from '../../arm/resource-store.js';
import type { ProviderError } from '../../arm-calls/call-provider.js';
import type { StackRecord, StackState } from './stack-record.js';

/** One create, update or delete of a stack, as its `deploymentStackOperationStatus` resource answers it. */
export interface StackOperation {
  id: string;
  subscriptionId: string;
  location: string;
  /** The stack's state while it runs, then `succeeded`, `failed` or `canceled`. */
  status: StackState;
  error?: ProviderError;
}

const operationsByStore = new WeakMap<ResourceStore, Map<string, StackOperation>>();

/** The stack operations of a cloud, by id. */
export function stackOperationsOf(store: ResourceStore): Map<string, StackOperation> {
  let found = operationsByStore.get(store);
  if (found === undefined) {
    found = new Map();
    operationsByStore.set(store, found);
  }
  return found;
}

/** The location a stack's operations are kept in: its own, or its resource group's. */
export function stackLocation(context: ArmContext, record: StackRecord): string {
  if (record.location !== undefined) return record.location;
  const groupId = `/subscriptions/${record.subscriptionId}/resourcegroups/${record.resourceGroup}`;
  return context.store.resourceGroups.get(groupId.toLowerCase())?.location ?? context.scenario.locations[0]!;
}

function statusPath(operation: StackOperation): string {
  return `subscriptions/${operation.subscriptionId}/providers/Microsoft.Resources/locations/${operation.location}/deploymentStackOperationStatus/${operation.id}`;
}

/**
 * Starts an operation of a stack and answers the header that points a client at it: `Azure-AsyncOperation` at
 * `/subscriptions/{id}/providers/Microsoft.Resources/locations/{location}/deploymentStackOperationStatus/{id}`, as the
 * stacks service answers its PUT and DELETE. No Retry-After: the service cannot tell how long a stack takes, and the
 * client keeps its own interval.
 */
export function startStackOperation(
  context: ArmContext,
  record: StackRecord,
  apiVersion: string,
): { operation: StackOperation; headers: Record<string, string> } {
  const operation: StackOperation = {
    id: randomUUID(),
    subscriptionId: record.subscriptionId.toLowerCase(),
    location: stackLocation(context, record),
    status: record.state,
  };
  stackOperationsOf(context.store).set(operation.id, operation);
  const url = `${context.resourceManager}${statusPath(operation)}?api-version=${apiVersion}`;
  return { operation, headers: { 'azure-asyncoperation': url } };
}

/** `GET …/locations/{location}/deploymentStackOperationStatus/{id}`: `{ id, name, status, error? }`. */
export function stackOperationStatus(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = stackOperationsOf(context.store).get(id);
  if (operation === undefined || operation.subscriptionId !== subscriptionId.toLowerCase()) {
    return armError(
      404,
      'OperationNotFound',
      `The operation '${id}' could not be found in subscription '${subscriptionId}'.`,
    );
  }
  return json(200, {
    id: `/${statusPath(operation)}`,
    name: operation.id,
    status: operation.status,
    ...(operation.error === undefined ? {} : { error: operation.error }),
  });
}
