import { randomUUID } from 'node:crypto';
import { json, type Exchange, type Reply } from '../http/exchange.js';
import type { ArmContext } from './arm-context.js';
import { armError } from './arm-error.js';

/**
 * Starts an operation that completes after the long-running latency (or a slow-LRO fault's duration), and answers
 * 202 with `Location` (polled with GET) and `Retry-After`, the protocol of resource-group deletion.
 */
export function acceptLongRunning(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  complete: () => void,
  result?: () => unknown,
): Reply {
  const slow = context.faults.take(exchange.method, exchange.path, 'longRunning', ['slowLongRunning']);
  const durationMs = slow?.kind === 'slowLongRunning' ? slow.durationMs : context.latencies.longRunningMs;
  const id = randomUUID().replaceAll('-', '').toUpperCase();
  const operation = {
    id,
    subscriptionId,
    completesAt: context.now() + durationMs,
    status: 'InProgress' as const,
    complete,
    result,
  };
  context.store.operations.set(id, operation);
  return { status: 202, headers: pollHeaders(exchange, context, subscriptionId, id, durationMs) };
}

function pollHeaders(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  id: string,
  remainingMs: number,
): Record<string, string> {
  const version = exchange.query.get('api-version') ?? '';
  return {
    location: `${context.resourceManager}subscriptions/${subscriptionId}/operationresults/${id}?api-version=${version}`,
    // The time left, capped at the 15 s resource-group deletion answers in Azure.
    'retry-after': String(Math.min(15, Math.ceil(Math.max(0, remainingMs) / 1000))),
  };
}

/** `GET /subscriptions/{s}/operationresults/{id}`: 202 while in progress, 200 once done. */
export function pollOperationResult(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  id: string,
): Reply {
  const operation = context.store.operations.get(id);
  if (operation === undefined || operation.subscriptionId !== subscriptionId.toLowerCase()) {
    return armError(
      404,
      'OperationNotFound',
      `The operation '${id}' could not be found in subscription '${subscriptionId}'.`,
    );
  }
  if (operation.status === 'InProgress') {
    return {
      status: 202,
      headers: pollHeaders(exchange, context, subscriptionId, id, operation.completesAt - context.now()),
    };
  }
  return operation.result === undefined ? { status: 200 } : json(200, operation.result());
}
