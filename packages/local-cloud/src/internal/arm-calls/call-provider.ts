import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-provider.js';
import { routeArm } from '../arm/arm-router.js';

/** An ARM error as providers answer it: `{ code, message, details? }`. */
export interface ProviderError {
  code: string;
  message: string;
  target?: string;
  details?: ProviderError[];
}

/** What a deployment learns from one call to a resource provider once its long-running operation ended. */
export type ProviderOutcome =
  | { ok: true; status: number; body: Record<string, unknown> | undefined }
  | { ok: false; status: number; error: ProviderError };

/** Who the deployment acts for: ARM calls providers on behalf of the principal that started it. */
export interface DeploymentCaller {
  principal?: string;
  tenantId?: string;
  /** The principal's application (client) id, which ARM's authorization errors name. */
  clientId?: string;
  /** The ARM service the calls are made for (a deployment stack running its deployment), if any. */
  actingFor?: string;
  correlationId: string;
}

function internalExchange(
  caller: DeploymentCaller,
  method: string,
  id: string,
  apiVersion: string,
  body?: unknown,
): Exchange {
  return {
    method,
    path: id,
    query: new URLSearchParams({ 'api-version': apiVersion }),
    headers: {},
    bodyText: body === undefined ? '' : JSON.stringify(body),
    requestId: randomUUID(),
    correlationId: caller.correlationId,
    startedAt: performance.now(),
    principal: caller.principal,
    tenantId: caller.tenantId,
    ...(caller.clientId === undefined ? {} : { clientId: caller.clientId }),
    ...(caller.actingFor === undefined ? {} : { actingFor: caller.actingFor }),
  };
}

function errorOf(status: number, body: unknown): ProviderError {
  const error = (body as { error?: ProviderError } | undefined)?.error;
  return error ?? { code: `Http${status}`, message: `The resource provider answered ${status}.` };
}

/** The id of the operation an `Azure-AsyncOperation` or `Location` URL points to (its last path segment). */
function operationIdOf(headers: Record<string, string> | undefined): string | undefined {
  const url = headers?.['azure-asyncoperation'] ?? headers?.location;
  if (url === undefined) return undefined;
  return new URL(url).pathname.split('/').pop();
}

/** Waits, on the cloud's clock, until the provider's operation `id` has completed. */
async function awaitOperation(context: ArmContext, id: string, signal?: AbortSignal): Promise<void> {
  for (;;) {
    context.store.settle(context.now());
    const operation = context.store.operations.get(id);
    if (operation === undefined || operation.status !== 'InProgress') return;
    signal?.throwIfAborted();
    // The cloud clock can be moved forward by tests, so wake often rather than sleep the whole remainder.
    await sleep(Math.min(50, Math.max(1, operation.completesAt - context.now())));
  }
}

/** Waits, on the cloud's clock, for `milliseconds` (tests move the clock forward, so wake often). */
export async function cloudPause(
  context: ArmContext,
  milliseconds: number,
  signal?: AbortSignal,
): Promise<void> {
  const until = context.now() + milliseconds;
  while (context.now() < until) {
    signal?.throwIfAborted();
    await sleep(Math.min(50, Math.max(1, until - context.now())));
  }
}

/** One ARM call the cloud makes itself: its method, the resource id (or action path), api-version and body. */
export interface ArmCallRequest {
  method: 'PUT' | 'GET' | 'DELETE' | 'POST';
  id: string;
  apiVersion: string;
  body?: unknown;
}

/**
 * Sends one request through ARM's request path (authorization included) on the caller's behalf and answers the
 * provider's immediate reply, without waiting for any operation it starts: what a synchronous call (a validation,
 * a read) needs.
 */
export function sendArmCall(
  context: ArmContext,
  caller: DeploymentCaller,
  request: ArmCallRequest,
):
  | { ok: true; status: number; body: Record<string, unknown> | undefined; headers?: Record<string, string> }
  | { ok: false; status: number; error: ProviderError } {
  const exchange = internalExchange(caller, request.method, request.id, request.apiVersion, request.body);
  const route = routeArm(exchange, context);
  if (route === undefined) {
    const message = `No resource provider serves '${request.id}' in the local cloud.`;
    return { ok: false, status: 404, error: { code: 'NoRegisteredProviderFound', message } };
  }
  const reply = route.run();
  if ('reset' in reply) {
    return { ok: false, status: 500, error: { code: 'InternalServerError', message: 'The provider reset.' } };
  }
  if (reply.status >= 400)
    return { ok: false, status: reply.status, error: errorOf(reply.status, reply.body) };
  return {
    ok: true,
    status: reply.status,
    body: reply.body as Record<string, unknown> | undefined,
    ...(reply.headers === undefined ? {} : { headers: reply.headers }),
  };
}

/**
 * Sends one request to the provider that owns `id`, as ARM's deployment engine does on the caller's behalf, and
 * waits for its long-running operation. A `failedLongRunning` fault on the path fails it with the fault's error.
 */
export async function callProvider(
  context: ArmContext,
  caller: DeploymentCaller,
  request: ArmCallRequest,
  signal?: AbortSignal,
): Promise<ProviderOutcome> {
  if (request.method !== 'GET') {
    const fault = context.faults.take(request.method, request.id, 'longRunning', ['failedLongRunning']);
    if (fault?.kind === 'failedLongRunning') {
      return { ok: false, status: 400, error: { code: fault.code, message: fault.message } };
    }
  }
  const sent = sendArmCall(context, caller, request);
  if (!sent.ok) return sent;
  const operationId = operationIdOf(sent.headers);
  if (operationId !== undefined && request.method !== 'GET' && request.method !== 'POST') {
    await awaitOperation(context, operationId, signal);
    const failure = context.store.operations.get(operationId)?.failure;
    if (failure) return { ok: false, status: 200, error: { ...failure } };
    if (request.method === 'DELETE') return { ok: true, status: 200, body: undefined };
    return readBack(context, caller, request.id, request.apiVersion, sent.status);
  }
  return { ok: true, status: sent.status, body: sent.body };
}

async function readBack(
  context: ArmContext,
  caller: DeploymentCaller,
  id: string,
  apiVersion: string,
  status: number,
): Promise<ProviderOutcome> {
  const read = await callProvider(context, caller, { method: 'GET', id, apiVersion });
  if (!read.ok) return read;
  const state = (read.body?.properties as { provisioningState?: string } | undefined)?.provisioningState;
  if (state === 'Failed') {
    return {
      ok: false,
      status: 200,
      error: { code: 'ResourceProvisioningFailed', message: `The resource '${id}' ended Failed.` },
    };
  }
  return { ...read, status };
}
