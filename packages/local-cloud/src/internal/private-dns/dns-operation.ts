import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';

/**
 * Starts a private DNS operation (zone and link writes and deletes are long-running) and answers 202 with the
 * service's polling headers: `Azure-AsyncOperation` at `…/privateDnsOperationStatuses/{id}` and `Location` at
 * `…/privateDnsOperationResults/{id}`, both under the resource group, with Retry-After.
 */
export function acceptDnsOperation(
  exchange: Exchange,
  context: ArmContext,
  address: { subscriptionId: string; resourceGroup: string },
  complete: () => void,
  result?: () => unknown,
): Reply {
  const slow = context.faults.take(exchange.method, exchange.path, 'longRunning', ['slowLongRunning']);
  const durationMs = slow?.kind === 'slowLongRunning' ? slow.durationMs : context.latencies.longRunningMs;
  const id = Buffer.from(`AsyncOperation;${exchange.method};${randomUUID()}`).toString('base64url');
  context.store.operations.set(id, {
    id,
    subscriptionId: address.subscriptionId.toLowerCase(),
    completesAt: context.now() + durationMs,
    status: 'InProgress',
    complete,
    ...(result === undefined ? {} : { result }),
  });
  const base = `${context.resourceManager}subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/Microsoft.Network`;
  const version = exchange.query.get('api-version') ?? '';
  return {
    status: 202,
    headers: {
      'azure-asyncoperation': `${base}/privateDnsOperationStatuses/${id}?api-version=${version}`,
      location: `${base}/privateDnsOperationResults/${id}?api-version=${version}`,
      'retry-after': String(Math.min(60, Math.ceil(durationMs / 1000))),
    },
  };
}

function find(context: ArmContext, subscriptionId: string, id: string) {
  const operation = context.store.operations.get(id);
  return operation?.subscriptionId === subscriptionId.toLowerCase() ? operation : undefined;
}

/** `GET …/privateDnsOperationStatuses/{id}`: `{ status: InProgress | Succeeded }`. */
export function serveDnsOperationStatus(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = find(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `The operation '${id}' was not found.`);
  if (operation.status === 'InProgress') {
    const seconds = Math.max(1, Math.ceil((operation.completesAt - context.now()) / 1000));
    return json(200, { status: 'InProgress' }, { 'retry-after': String(seconds) });
  }
  return json(200, { status: 'Succeeded' });
}

/** `GET …/privateDnsOperationResults/{id}`: 202 while running, then the resource (writes) or 204 (deletes). */
export function serveDnsOperationResult(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = find(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `The operation '${id}' was not found.`);
  if (operation.status === 'InProgress') return { status: 202, headers: { 'retry-after': '1' } };
  return operation.result === undefined ? { status: 204 } : json(200, operation.result());
}
