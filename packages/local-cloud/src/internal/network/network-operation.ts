import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';

/**
 * Starts a Network provider operation that ends after the long-running latency (or a slow-LRO fault) and answers
 * its headers: `Azure-AsyncOperation` (status polling) and, for deletes, `Location` (final result), with Retry-After.
 * A failed-LRO fault ends it Failed with the fault's error instead, leaving the resource `provisioningState: Failed`.
 */
export function startNetworkOperation(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  location: string,
  complete: () => void,
  withLocation = false,
): Record<string, string> {
  const fault = context.faults.take(exchange.method, exchange.path, 'longRunning', [
    'slowLongRunning',
    'failedLongRunning',
  ]);
  const durationMs = fault?.kind === 'slowLongRunning' ? fault.durationMs : context.latencies.longRunningMs;
  const id = randomUUID();
  context.store.operations.set(id, {
    id,
    subscriptionId: subscriptionId.toLowerCase(),
    completesAt: context.now() + durationMs,
    status: 'InProgress',
    complete,
    ...(fault?.kind === 'failedLongRunning'
      ? {
          failure: { code: fault.code, message: fault.message },
          fail: () => {
            const record = context.store.resources.get(exchange.path.toLowerCase());
            if (record) record.properties.provisioningState = 'Failed';
          },
        }
      : {}),
  });
  const base = `${context.resourceManager}subscriptions/${subscriptionId}/providers/Microsoft.Network/locations/${location}`;
  const version = exchange.query.get('api-version') ?? '';
  return {
    'azure-asyncoperation': `${base}/operations/${id}?api-version=${version}`,
    ...(withLocation ? { location: `${base}/operationResults/${id}?api-version=${version}` } : {}),
    'retry-after': String(retryAfterSeconds(durationMs)),
    'azure-asyncnotification': 'Enabled',
  };
}

/** The time left in whole seconds, capped at the 10 s the Network provider answers. */
function retryAfterSeconds(remainingMs: number): number {
  return Math.min(10, Math.ceil(Math.max(0, remainingMs) / 1000));
}

function findOperation(context: ArmContext, subscriptionId: string, id: string) {
  const operation = context.store.operations.get(id);
  return operation?.subscriptionId === subscriptionId.toLowerCase() ? operation : undefined;
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
