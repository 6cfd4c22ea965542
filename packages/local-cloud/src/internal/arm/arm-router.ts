import type { Exchange, Reply } from '../http/exchange.js';
import { json } from '../http/exchange.js';
import type { OperationType } from '../../scenario/types.js';
import { type ArmContext } from './arm-provider.js';
import { methodNotAllowed } from './arm-error.js';
import type { ArmRoute } from './arm-provider.js';
import { getProvider } from './resource-providers.js';
import { checkApiVersion, resourcesApiVersions, subscriptionsApiVersions } from './api-versions.js';
import * as groups from './resource-groups.js';
import * as generic from './generic-resources.js';
import { pollOperationResult } from './long-running.js';
import { authorizeCall } from './authorization.js';

const rgPath = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i;

function withVersion(exchange: Exchange, supported: string[] | undefined, run: () => Reply): () => Reply {
  return () => checkApiVersion(exchange, supported) ?? run();
}

/**
 * Finds the handler for an ARM path: ARM's own routes (tenants, subscriptions, operation results, provider
 * registrations, resource groups, resource lists), then each provider the context holds, in order, then the generic
 * resource store; undefined when nothing matches (answered as 404 by the caller). Every handler runs behind ARM's
 * authorization: a write, delete or action that a provider's `authorize` hook refuses (a deny assignment) never
 * reaches it, whether a client or the deployment engine sent it.
 */
export function routeArm(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const route = findRoute(exchange, context);
  if (route === undefined) return undefined;
  const { run } = route;
  return { ...route, run: () => authorizeCall(exchange, context) ?? run() };
}

function findRoute(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const { method, path } = exchange;
  const read: OperationType = 'read';
  const write: OperationType = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  let m: RegExpExecArray | null;
  if (path === '/tenants' && method === 'GET') {
    return {
      operation: read,
      run: withVersion(exchange, subscriptionsApiVersions, () => listTenants(exchange)),
    };
  }
  if (path === '/subscriptions' && method === 'GET') {
    return {
      operation: read,
      run: withVersion(exchange, subscriptionsApiVersions, () =>
        listSubscriptions(context, exchange.tenantId),
      ),
    };
  }
  if ((m = /^\/subscriptions\/([^/]+)\/operationresults\/([^/]+)$/i.exec(path))) {
    const sub = m[1]!;
    const id = m[2]!;
    return {
      operation: read,
      subscriptionId: sub,
      run: withVersion(exchange, resourcesApiVersions, () => pollOperationResult(exchange, context, sub, id)),
    };
  }
  if ((m = /^\/subscriptions\/([^/]+)\/providers\/([^/]+)$/i.exec(path)) && method === 'GET') {
    const [sub, namespace] = [m[1]!, m[2]!];
    return {
      operation: read,
      subscriptionId: sub,
      run: withVersion(exchange, resourcesApiVersions, () => getProvider(context, sub, namespace)),
    };
  }
  if ((m = /^\/subscriptions\/([^/]+)\/resourcegroups$/i.exec(path)) && method === 'GET') {
    const sub = m[1]!;
    return {
      operation: read,
      subscriptionId: sub,
      run: withVersion(exchange, resourcesApiVersions, () =>
        groups.listResourceGroups(exchange, context, sub),
      ),
    };
  }
  if ((m = rgPath.exec(path))) return routeResourceGroup(exchange, context, m[1]!, m[2]!, write);
  if (
    (m = /^\/subscriptions\/([^/]+)(\/resourcegroups\/[^/]+)?\/resources$/i.exec(path)) &&
    method === 'GET'
  ) {
    const scope = path.slice(0, -'/resources'.length);
    return {
      operation: read,
      subscriptionId: m[1]!,
      run: withVersion(exchange, resourcesApiVersions, () =>
        listUnder(exchange, context, scope, m![2] !== undefined),
      ),
    };
  }
  for (const provider of context.providers) {
    const routed = providerRoute(provider, exchange, context);
    if (routed !== undefined) return routed;
  }
  const address = generic.parseResourceAddress(path);
  if (address !== undefined) return routeResource(exchange, context, address, write);
  if ((m = /^\/subscriptions\/([^/]+)$/i.exec(path)) && method === 'GET') {
    const sub = m[1]!;
    return {
      operation: read,
      subscriptionId: sub,
      run: withVersion(exchange, subscriptionsApiVersions, () => json(200, subscriptionBody(context, sub))),
    };
  }
  return undefined;
}

/**
 * A provider's route for the request. ARM answers HEAD (checkExistence) for every resource, whatever its provider
 * serves: a provider is asked for its GET, and the answer loses its body, 200 becoming 204.
 */
function providerRoute(
  provider: ArmContext['providers'][number],
  exchange: Exchange,
  context: ArmContext,
): ArmRoute | undefined {
  if (exchange.method !== 'HEAD') return provider.route(exchange, context);
  // The same exchange read as a GET (what the gateway learns of it later, such as its caller, shows through).
  const asRead = Object.create(exchange, { method: { value: 'GET' } }) as Exchange;
  const routed = provider.route(asRead, context);
  if (routed === undefined) return undefined;
  return { ...routed, run: () => existenceOnly(routed.run()) };
}

/** A GET's answer as HEAD gives it: the status (204 for 200) and headers, no body. */
function existenceOnly(reply: Reply): Reply {
  if ('reset' in reply) return reply;
  return {
    status: reply.status === 200 ? 204 : reply.status,
    ...(reply.headers ? { headers: reply.headers } : {}),
  };
}

function routeResourceGroup(
  exchange: Exchange,
  context: ArmContext,
  sub: string,
  name: string,
  write: OperationType,
): ArmRoute {
  const handlers: Record<string, () => Reply> = {
    GET: () => groups.getResourceGroup(context, sub, name),
    HEAD: () => groups.headResourceGroup(context, sub, name),
    PUT: () => groups.putResourceGroup(exchange, context, sub, name),
    PATCH: () => groups.patchResourceGroup(exchange, context, sub, name),
    DELETE: () => groups.deleteResourceGroup(exchange, context, sub, name),
  };
  const handler = handlers[exchange.method] ?? (() => methodNotAllowed(exchange));
  const operation = exchange.method === 'DELETE' ? 'longRunning' : write;
  return { operation, subscriptionId: sub, run: withVersion(exchange, resourcesApiVersions, handler) };
}

function routeResource(
  exchange: Exchange,
  context: ArmContext,
  address: generic.ResourceAddress,
  write: OperationType,
): ArmRoute {
  const handlers: Record<string, () => Reply> = {
    GET: () => generic.getResource(context, address),
    // HEAD answers existence only: 204 when the resource exists, 404 when it does not.
    HEAD: () => ({ status: context.store.resources.has(address.id.toLowerCase()) ? 204 : 404 }),
    PUT: () => generic.putResource(exchange, context, address),
    PATCH: () => generic.patchResource(exchange, context, address),
    DELETE: () => generic.deleteResource(context, address),
  };
  const handler = handlers[exchange.method] ?? (() => methodNotAllowed(exchange));
  const run = () => generic.checkResourceScope(context, address) ?? handler();
  return {
    operation: write,
    subscriptionId: address.subscriptionId,
    run: withVersion(exchange, undefined, run),
  };
}

function listUnder(exchange: Exchange, context: ArmContext, scope: string, isGroup: boolean): Reply {
  const [, , subscriptionId = '', , group = ''] = scope.split('/');
  const missing = isGroup ? groups.resourceGroupMissing(context, subscriptionId, group) : undefined;
  return missing ?? generic.listResources(exchange, context, scope);
}

function subscriptionBody(context: ArmContext, subscriptionId: string): object {
  const tenant = context.scenario.tenants.find((t) =>
    t.subscriptions.some((s) => s.id === subscriptionId.toLowerCase()),
  );
  const sub = tenant?.subscriptions.find((s) => s.id === subscriptionId.toLowerCase());
  return {
    id: `/subscriptions/${sub?.id}`,
    subscriptionId: sub?.id,
    tenantId: tenant?.id,
    displayName: sub?.displayName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
    authorizationSource: 'RoleBased',
  };
}

/** The caller's tenant (a service principal sees its home tenant). */
function listTenants(exchange: Exchange): Reply {
  const tenantId = exchange.tenantId ?? '';
  return json(200, {
    value: [
      {
        id: `/tenants/${tenantId}`,
        tenantId,
        tenantCategory: 'Home',
        displayName: `local tenant ${tenantId}`,
        defaultDomain: 'local-cloud.azpn',
      },
    ],
  });
}

/** The subscriptions of the caller's tenant. */
function listSubscriptions(context: ArmContext, tenantId: string | undefined): Reply {
  const value = context.scenario.tenants
    .filter((t) => t.id === tenantId)
    .flatMap((t) => t.subscriptions.map((s) => subscriptionBody(context, s.id)));
  return json(200, { value, count: { type: 'Total', value: value.length } });
}
