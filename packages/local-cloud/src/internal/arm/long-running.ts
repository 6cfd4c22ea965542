import { randomUUID } from 'node:crypto';
import { json, type Exchange, type Reply } from '../http/exchange.js';
import type { ArmContext } from './arm-provider.js';
import { armError } from './arm-error.js';
import type { LongRunningOperation } from './resource-store.js';

/** Where an operation runs, as its polling URLs name it. */
export interface OperationAddress {
  /** The cloud's resource manager URL, ending in `/`. */
  resourceManager: string;
  subscriptionId: string;
  resourceGroup?: string;
  location?: string;
  /** The operation's id. */
  id: string;
  /** The api-version of the call that started it, which the polling URLs carry. */
  apiVersion: string;
  /** True for a delete (services that answer a final-result `Location` only for deletes add it then). */
  deletes: boolean;
}

/**
 * How one service runs its long-running operations: the ids it hands out, the headers that point a client at them
 * (`Azure-AsyncOperation`, `Location`), its Retry-After, and whether its writes answer 202 without a body. Each
 * provider declares its service's own protocol; `startOperation` does the bookkeeping they share.
 */
export interface LongRunningProtocol {
  /** A new operation id, in the service's shape. */
  newId(exchange: Exchange): string;
  /** The polling headers (all but Retry-After). */
  pollHeaders(address: OperationAddress): Record<string, string>;
  /** Retry-After is the time left in whole seconds, kept within these bounds. */
  retryAfter: { floor: number; cap: number };
  /** True when a `failedLongRunning` fault can end the service's operations Failed (the Network provider's). */
  canFail?: boolean;
  /** True when the service answers a write with 202 and no body, the resource appearing when it completes. */
  acceptsWrites?: boolean;
}

/** What an operation is about and what its end does. */
export interface OperationRequest {
  subscriptionId: string;
  resourceGroup?: string;
  location?: string;
  /** Applies the operation's effect when it completes. */
  complete: () => void;
  /** The body its result URL answers once done (what-if results), if any. */
  result?: (operation: LongRunningOperation) => unknown;
  deletes?: boolean;
}

/** ARM's own protocol, that of resource-group deletion: 202 with `Location` (polled with GET) and Retry-After. */
export const resourceManagerProtocol: LongRunningProtocol = {
  newId: () => randomUUID().replaceAll('-', '').toUpperCase(),
  pollHeaders: (at) => ({
    location: `${at.resourceManager}subscriptions/${at.subscriptionId}/operationresults/${at.id}?api-version=${at.apiVersion}`,
  }),
  // The time left, capped at the 15 s resource-group deletion answers in Azure.
  retryAfter: { floor: 0, cap: 15 },
};

function retryAfterSeconds(protocol: LongRunningProtocol, remainingMs: number): string {
  const seconds = Math.ceil(Math.max(0, remainingMs) / 1000);
  return String(Math.min(protocol.retryAfter.cap, Math.max(protocol.retryAfter.floor, seconds)));
}

/** The headers that point a client at operation `id`, with the Retry-After of the time it has left. */
export function operationHeaders(
  exchange: Exchange,
  context: ArmContext,
  protocol: LongRunningProtocol,
  at: Omit<OperationAddress, 'resourceManager' | 'apiVersion'>,
  remainingMs: number,
): Record<string, string> {
  const address = {
    ...at,
    resourceManager: context.resourceManager,
    apiVersion: exchange.query.get('api-version') ?? '',
  };
  return { ...protocol.pollHeaders(address), 'retry-after': retryAfterSeconds(protocol, remainingMs) };
}

/**
 * Starts an operation that completes after the long-running latency (or a slow-LRO fault's duration) and answers
 * the headers the service's protocol gives it. Where the protocol can fail, a failed-LRO fault ends it Failed with
 * the fault's error instead, leaving the resource at the call's path `provisioningState: Failed`.
 */
export function startOperation(
  exchange: Exchange,
  context: ArmContext,
  protocol: LongRunningProtocol,
  request: OperationRequest,
): Record<string, string> {
  const kinds: ('slowLongRunning' | 'failedLongRunning')[] = protocol.canFail
    ? ['slowLongRunning', 'failedLongRunning']
    : ['slowLongRunning'];
  const fault = context.faults.take(exchange.method, exchange.path, 'longRunning', kinds);
  const durationMs = fault?.kind === 'slowLongRunning' ? fault.durationMs : context.latencies.longRunningMs;
  const id = protocol.newId(exchange);
  const operation: LongRunningOperation = {
    id,
    subscriptionId: request.subscriptionId.toLowerCase(),
    startedAt: context.now(),
    completesAt: context.now() + durationMs,
    status: 'InProgress',
    complete: request.complete,
  };
  const { result } = request;
  if (result !== undefined) operation.result = () => result(operation);
  if (fault?.kind === 'failedLongRunning') {
    operation.failure = { code: fault.code, message: fault.message };
    operation.fail = () => {
      const record = context.store.resources.get(exchange.path.toLowerCase());
      if (record) record.properties.provisioningState = 'Failed';
    };
  }
  context.store.operations.set(id, operation);
  const { subscriptionId, resourceGroup, location, deletes = false } = request;
  return operationHeaders(
    exchange,
    context,
    protocol,
    { subscriptionId, resourceGroup, location, id, deletes },
    durationMs,
  );
}

/** Starts an operation and answers 202 with its headers (a delete, or a write of a service that accepts them). */
export function acceptOperation(
  exchange: Exchange,
  context: ArmContext,
  protocol: LongRunningProtocol,
  request: OperationRequest,
): Reply {
  return { status: 202, headers: startOperation(exchange, context, protocol, request) };
}

/** The operation `id` of a subscription, or undefined (another subscription's operations are not found). */
export function findOperation(
  context: ArmContext,
  subscriptionId: string,
  id: string,
): LongRunningOperation | undefined {
  const operation = context.store.operations.get(id);
  return operation?.subscriptionId === subscriptionId.toLowerCase() ? operation : undefined;
}

/** `GET /subscriptions/{s}/operationresults/{id}`: 202 while in progress, 200 once done. */
export function pollOperationResult(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  id: string,
): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined) {
    return armError(
      404,
      'OperationNotFound',
      `The operation '${id}' could not be found in subscription '${subscriptionId}'.`,
    );
  }
  if (operation.status === 'InProgress') {
    const at = { subscriptionId, id, deletes: true };
    const remaining = operation.completesAt - context.now();
    return {
      status: 202,
      headers: operationHeaders(exchange, context, resourceManagerProtocol, at, remaining),
    };
  }
  return operation.result === undefined ? { status: 200 } : json(200, operation.result());
}
