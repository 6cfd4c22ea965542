import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { serveDelete, type DeleteSteps } from '../../arm/resource-delete.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { findOperation, type LongRunningProtocol, type OperationRequest } from '../../arm/long-running.js';

/**
 * The Network provider's operations: `Azure-AsyncOperation` at `…/providers/Microsoft.Network/locations/{l}/operations/
 * {id}` (status polling) and, for deletes, `Location` at `…/operationResults/{id}` (final result); Retry-After capped
 * at 10 s. A failed-LRO fault can end them Failed, leaving the resource `provisioningState: Failed`.
 */
export const networkProtocol: LongRunningProtocol = {
  newId: () => randomUUID(),
  pollHeaders: (at) => {
    const base = `${at.resourceManager}subscriptions/${at.subscriptionId}/providers/Microsoft.Network/locations/${at.location}`;
    return {
      'azure-asyncoperation': `${base}/operations/${at.id}?api-version=${at.apiVersion}`,
      ...(at.deletes ? { location: `${base}/operationResults/${at.id}?api-version=${at.apiVersion}` } : {}),
      'azure-asyncnotification': 'Enabled',
    };
  },
  retryAfter: { floor: 0, cap: 10 },
  canFail: true,
};

/** The operation of a Network write or delete at `address`, in `location`, that `complete` ends. */
export function networkOperation(
  address: Pick<ResourceAddress, 'subscriptionId'>,
  location: string,
  complete: () => void = () => undefined,
): { protocol: LongRunningProtocol; request: OperationRequest } {
  return {
    protocol: networkProtocol,
    request: { subscriptionId: address.subscriptionId, location, complete },
  };
}

/** The time left in whole seconds, capped at the 10 s the Network provider answers. */
function retryAfterSeconds(remainingMs: number): number {
  return Math.min(10, Math.ceil(Math.max(0, remainingMs) / 1000));
}

/** `GET …/locations/{l}/operations/{id}`: `{ status: InProgress | Succeeded }`. */
export function serveNetworkOperationStatus(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `Operation ${id} was not found.`);
  if (operation.status === 'InProgress') {
    const seconds = retryAfterSeconds(operation.completesAt - context.now());
    return json(200, { status: 'InProgress' }, { 'retry-after': String(seconds) });
  }
  if (operation.status === 'Failed') return json(200, { status: 'Failed', error: operation.failure });
  return json(200, { status: 'Succeeded' });
}

/** `GET …/locations/{l}/operationResults/{id}`: 202 while running, then 204. */
export function serveNetworkOperationResult(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `Operation ${id} was not found.`);
  if (operation.status === 'Failed')
    return armError(400, operation.failure!.code, operation.failure!.message);
  return { status: operation.status === 'InProgress' ? 202 : 204 };
}

/**
 * Serves the delete of a top-level Network resource kept in the resource map: 204 when absent, the refusal, or 202
 * with both polling headers; when the operation ends, `remove` runs (by default the record goes).
 */
export function serveNetworkDelete<Stored extends ResourceRecord>(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
  steps: Pick<DeleteSteps<Stored>, 'refuse' | 'marksDeleting'> & { remove?: (record: Stored) => void },
): Reply {
  const key = address.id.toLowerCase();
  const remove = steps.remove ?? (() => context.store.resources.delete(key));
  return serveDelete<Stored>(exchange, context, {
    ...steps,
    find: () => context.store.resources.get(key) as Stored | undefined,
    operation: (record) => networkOperation(address, record.location!, () => remove(record)),
  });
}
