import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange, Reply } from '../http/exchange.js';
import type { RequestThrottle } from '../control/throttle.js';
import type { ArmContext, ArmRoute } from './arm-provider.js';
import { armError } from './arm-error.js';
import { checkBearer, wrongTenant, type BearerCheckContext } from './bearer-check.js';
import { routeArm } from './arm-router.js';

/** Everything an ARM call passes through before its handler. */
export interface ArmPipelineContext extends ArmContext {
  bearer: () => Omit<BearerCheckContext, 'now'>;
  throttle: RequestThrottle;
}

/**
 * Serves one ARM call as ARM does: the gateway admits it (route, token, subscription, throttle), then faults are
 * injected, the configured latency passes and the handler runs. Adds the throttle headers to the reply.
 */
export async function serveArm(
  exchange: Exchange,
  context: ArmPipelineContext,
): Promise<Reply & { operation?: string }> {
  context.store.settle(context.now());
  exchange.path = normaliseArmPath(exchange.path);
  const admitted = await admit(exchange, context);
  if ('refusal' in admitted) return fromGateway(admitted.refusal);
  const { route, headers } = admitted;
  const fault = context.faults.take(exchange.method, exchange.path, route.operation, ['status', 'reset']);
  if (fault?.kind === 'reset') return { reset: true };
  if (fault?.kind === 'status') return injectedStatus(fault.status, fault.retryAfterSeconds, headers);
  const latency = route.operation === 'read' ? context.latencies.readMs : context.latencies.writeMs;
  if (latency > 0) await sleep(latency);
  const run = route.run();
  const reply = !('reset' in run) && run.status >= 400 && !route.byProvider ? fromGateway(run) : run;
  if ('reset' in reply) return reply;
  return { ...reply, headers: { ...headers, ...reply.headers }, operation: route.operation };
}

/**
 * The path as ARM reads it, segment by segment: repeated slashes are one (azure-cli's `resource show --resource-type`
 * sends `…/providers/Microsoft.Network//virtualNetworks/…`), and a trailing slash is none.
 */
export function normaliseArmPath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** ARM marks the errors its gateway (not a resource provider) answers. */
function fromGateway(reply: Reply): Reply {
  return 'reset' in reply
    ? reply
    : { ...reply, headers: { ...reply.headers, 'x-ms-failure-cause': 'gateway' } };
}

/** The tenant owning a subscription, or undefined when the scenario declares no such subscription. */
function subscriptionTenant(context: ArmContext, subscriptionId: string): string | undefined {
  return context.scenario.tenants.find((t) =>
    t.subscriptions.some((s) => s.id === subscriptionId.toLowerCase()),
  )?.id;
}

type Admission = { route: ArmRoute; headers: Record<string, string> } | { refusal: Reply };

/** The gateway's checks: a route, a valid token, a subscription of the token's tenant, a throttle token. */
async function admit(exchange: Exchange, context: ArmPipelineContext): Promise<Admission> {
  const route = routeArm(exchange, context);
  const bearer = { ...context.bearer(), now: context.now() };
  const caller = await checkBearer(exchange, bearer);
  if ('status' in caller || 'reset' in caller) return { refusal: caller };
  exchange.principal = caller.objectId;
  exchange.tenantId = caller.tenantId;
  if (caller.clientId !== undefined) exchange.clientId = caller.clientId;
  if (route === undefined) {
    const message = `No route for '${exchange.method} ${exchange.path}' in the local cloud; check the path of the request.`;
    return { refusal: armError(404, 'NoRegisteredProviderFound', message) };
  }
  if (route.subscriptionId === undefined) return { route, headers: {} };
  const owner = subscriptionTenant(context, route.subscriptionId);
  if (owner === undefined) {
    const message = `The subscription '${route.subscriptionId}' could not be found.`;
    return { refusal: armError(404, 'SubscriptionNotFound', message) };
  }
  if (owner !== caller.tenantId)
    return { refusal: wrongTenant(bearer, bearer.issuerOf(caller.tenantId), owner) };
  return throttle(context, route, caller.objectId);
}

function throttle(context: ArmPipelineContext, route: ArmRoute, principal: string): Admission {
  const subscriptionId = route.subscriptionId ?? '';
  const kind = route.operation === 'read' ? 'reads' : 'writes';
  const decision = context.throttle.take(subscriptionId.toLowerCase(), principal, kind, context.now());
  const headers = { [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(decision.remaining) };
  if (decision.allowed) return { route, headers };
  const verb = kind === 'reads' ? 'read' : 'write';
  const message = `Number of '${verb}' requests for subscription '${subscriptionId}' actor '${principal}' exceeded. Please try again after '${decision.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`;
  const retry = { ...headers, 'retry-after': String(decision.retryAfterSeconds) };
  return { refusal: armError(429, 'SubscriptionRequestsThrottled', message, retry) };
}

function injectedStatus(
  status: number,
  retryAfterSeconds: number | undefined,
  headers: Record<string, string>,
): Reply {
  const retry: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  const [code, message] =
    status === 429
      ? [
          'TooManyRequests',
          'The request is being throttled (fault injected by the local cloud). Retry after the time in the Retry-After header.',
        ]
      : status === 503
        ? [
            'ServiceUnavailable',
            'The service is unavailable (fault injected by the local cloud). Please retry the request.',
          ]
        : [
            'InternalServerError',
            'Encountered internal server error (fault injected by the local cloud). Please retry the request.',
          ];
  return armError(status, code, message, { ...headers, ...retry });
}
