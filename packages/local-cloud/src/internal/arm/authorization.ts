import type { Exchange, Reply } from '../http/exchange.js';
import type { ArmAuthorizationRequest, ArmContext } from './arm-provider.js';
import { typeOfId } from './generic-resources.js';

const groupPath = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/i;

/** The RBAC verb of a method: writes and deletes; reads (GET, HEAD) are not asked about. */
function verbOf(method: string): 'write' | 'delete' | 'action' | undefined {
  if (method === 'PUT' || method === 'PATCH') return 'write';
  if (method === 'DELETE') return 'delete';
  if (method === 'POST') return 'action';
  return undefined;
}

/**
 * The RBAC action and scope of a call, as ARM's authorization derives them from the method and the path; undefined
 * for a read, or a path that names no resource (tenants, subscription lists, operation results).
 */
export function authorizationRequestOf(exchange: Exchange): ArmAuthorizationRequest | undefined {
  const verb = verbOf(exchange.method);
  if (verb === undefined) return undefined;
  const who = {
    ...(exchange.principal === undefined ? {} : { principal: exchange.principal }),
    ...(exchange.clientId === undefined ? {} : { clientId: exchange.clientId }),
    ...(exchange.actingFor === undefined ? {} : { actingFor: exchange.actingFor }),
  };
  const path = exchange.path;
  if (groupPath.test(path)) {
    if (verb === 'action') return undefined;
    return { ...who, action: `Microsoft.Resources/subscriptions/resourceGroups/${verb}`, scope: path };
  }
  const providers = path.toLowerCase().lastIndexOf('/providers/');
  if (providers < 0) return undefined;
  const segments = path.slice(providers + '/providers/'.length).split('/');
  // namespace + type/name pairs: an even count after the namespace names a resource, an odd one adds an action.
  const named = segments.length % 2 === 1;
  if (verb === 'action') {
    if (named) return undefined;
    const scope = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(path.lastIndexOf('/') + 1);
    return { ...who, action: `${typeOfId(scope)}/${name}/action`, scope };
  }
  if (!named) return undefined;
  return { ...who, action: `${typeOfId(path)}/${verb}`, scope: path };
}

/**
 * Asks every provider's `authorize` hook about a call; the first refusal answers it, marked as ARM's own (its
 * gateway refuses before any resource provider is called).
 */
export function authorizeCall(exchange: Exchange, context: ArmContext): Reply | undefined {
  const request = authorizationRequestOf(exchange);
  if (request === undefined) return undefined;
  for (const provider of context.providers) {
    const refused = provider.hooks?.authorize?.(context, request);
    if (refused === undefined) continue;
    if ('reset' in refused) return refused;
    return { ...refused, headers: { ...refused.headers, 'x-ms-failure-cause': 'gateway' } };
  }
  return undefined;
}
