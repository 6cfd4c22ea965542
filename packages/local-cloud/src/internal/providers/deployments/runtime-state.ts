import { randomUUID } from 'node:crypto';
import type { ArmValue, RuntimeResolver, TemplateExpansion } from '@azpn/arm-template';
import type { ArmContext } from '../../arm/arm-provider.js';
import { routeArm } from '../../arm/arm-router.js';
import { typeOfId } from '../../arm/generic-resources.js';
import { defaultApiVersionFor } from '../../arm/resource-providers.js';
import type { DeploymentCaller } from './provider-call.js';

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
    query: new URLSearchParams({ 'api-version': apiVersion ?? defaultApiVersionFor(context, typeOfId(id)) }),
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
