import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';

/** When each Compute operation started, for its status body (the store's operations carry no start time). */
const startTimes = new WeakMap<object, Map<string, number>>();

function startsOf(context: ArmContext): Map<string, number> {
  let starts = startTimes.get(context.store);
  if (starts === undefined) startTimes.set(context.store, (starts = new Map()));
  return starts;
}

/**
 * Starts a Compute operation that ends after the long-running latency (or a slow-LRO fault) and answers its
 * headers: `Azure-AsyncOperation` at `…/providers/Microsoft.Compute/locations/{l}/operations/{id}` and, for
 * deletes, `Location` (the same URL with `monitor=true`, as Compute answers it).
 */
export function startComputeOperation(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  location: string,
  complete: () => void,
  withLocation = false,
): Record<string, string> {
  const slow = context.faults.take(exchange.method, exchange.path, 'longRunning', ['slowLongRunning']);
  const durationMs = slow?.kind === 'slowLongRunning' ? slow.durationMs : context.latencies.longRunningMs;
  const id = randomUUID();
  context.store.operations.set(id, {
    id,
    subscriptionId: subscriptionId.toLowerCase(),
    completesAt: context.now() + durationMs,
    status: 'InProgress',
    complete,
  });
  startsOf(context).set(id, context.now());
  const version = exchange.query.get('api-version') ?? '';
  const url = `${context.resourceManager}subscriptions/${subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${id}?api-version=${version}`;
  return {
    'azure-asyncoperation': url,
    ...(withLocation ? { location: `${url}&monitor=true` } : {}),
    'retry-after': String(Math.min(10, Math.ceil(Math.max(0, durationMs) / 1000))),
    'azure-asyncnotification': 'Enabled',
  };
}

/**
 * `GET …/locations/{l}/operations/{id}`: `{ startTime, status, name }`, with `endTime` once Succeeded; with
 * `monitor=true` (the Location URL of a delete) 202 while running, then 200 without a body.
 */
export function serveComputeOperation(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  id: string,
): Reply {
  const operation = context.store.operations.get(id);
  if (operation === undefined || operation.subscriptionId !== subscriptionId.toLowerCase())
    return armError(404, 'NotFound', `The operation ${id} was not found.`);
  const running = operation.status === 'InProgress';
  if (exchange.query.get('monitor') === 'true') return { status: running ? 202 : 200 };
  const started = startsOf(context).get(id) ?? operation.completesAt;
  return json(200, {
    startTime: new Date(started).toISOString(),
    ...(running ? {} : { endTime: new Date(operation.completesAt).toISOString() }),
    status: running ? 'InProgress' : 'Succeeded',
    name: id,
  });
}
