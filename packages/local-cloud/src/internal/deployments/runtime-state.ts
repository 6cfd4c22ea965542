import { randomUUID } from 'node:crypto';
import type { ArmValue, RuntimeResolver, TemplateExpansion } from '@azpn/arm-template';
import type { ArmContext } from '../arm/arm-context.js';
import { routeArm } from '../arm/arm-router.js';
import type { DeploymentCaller } from './provider-call.js';

/** The api-version ARM would use for a type the template does not name one for. */
export function defaultApiVersion(type: string): string {
  const namespace = type.split('/')[0]?.toLowerCase();
  if (namespace === 'microsoft.network' && type.toLowerCase().startsWith('microsoft.network/privatednszones'))
    return '2024-06-01';
  if (namespace === 'microsoft.network') return '2024-05-01';
  if (namespace === 'microsoft.compute') return '2024-07-01';
  if (namespace === 'microsoft.containerinstance') return '2023-05-01';
  return '2024-03-01';
}

/** The type of a resource id: `Namespace/type[/child]`. */
export function typeOfId(id: string): string {
  const parts = id.split('/providers/').pop()!.split('/');
  return [parts[0], ...parts.slice(1).filter((_, i) => i % 2 === 0)].join('/');
}

/**
 * Reads a resource's current state through its provider's GET, synchronously (the store is in memory), as ARM's
 * `reference()` does: undefined when it does not exist.
 */
export function readResource(
  context: ArmContext,
  caller: DeploymentCaller,
  id: string,
  apiVersion: string | undefined,
): Record<string, unknown> | undefined {
  const exchange = {
    method: 'GET',
    path: id,
    query: new URLSearchParams({ 'api-version': apiVersion ?? defaultApiVersion(typeOfId(id)) }),
    headers: {},
    bodyText: '',
    requestId: randomUUID(),
    correlationId: caller.correlationId,
    startedAt: performance.now(),
    principal: caller.principal,
    tenantId: caller.tenantId,
  };
  const route = routeArm(exchange, context);
  const reply = route?.run();
  if (reply === undefined || 'reset' in reply || reply.status !== 200) return undefined;
  return reply.body as Record<string, unknown>;
}

/** Hands the engine what `reference()` needs, read from the deployed state; `list*()` is not emulated. */
export function storeResolver(
  context: ArmContext,
  caller: DeploymentCaller,
  expansion: TemplateExpansion,
): RuntimeResolver {
  const planned = new Map(expansion.resources.map((r) => [r.id.toLowerCase(), r.apiVersion]));
  return {
    reference(resourceId, apiVersion, full) {
      const version = apiVersion ?? planned.get(resourceId.toLowerCase());
      const state = readResource(context, caller, resourceId, version);
      if (state === undefined) return undefined;
      return (full ? state : (state.properties ?? {})) as ArmValue;
    },
  };
}
