import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from './arm-provider.js';
import { armError } from './arm-error.js';
import { firstOf, parseListFilter } from './list-filter.js';
import type { ResourceRecord } from './resource-store.js';
import { normaliseLocation, resourceGroupMissing } from './resource-groups.js';
import { inResourceMap, servePut } from './resource-put.js';
import { withoutNullMembers } from './null-members.js';
import { withoutWriteOnly } from './write-only.js';

/** Provider namespaces the cloud stores generically until a dedicated emulation replaces them. */
export const genericNamespaces = [
  'Microsoft.Network',
  'Microsoft.Compute',
  'Microsoft.ContainerInstance',
  'Microsoft.ManagedIdentity',
  'Microsoft.Storage',
  'Microsoft.KeyVault',
  'Microsoft.OperationalInsights',
];

/** The parts of a resource id under a resource group. */
export interface ResourceAddress {
  subscriptionId: string;
  resourceGroup: string;
  namespace: string;
  type: string;
  name: string;
  id: string;
}

/** Parses `/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}[/{type}/{name}]…`. */
export function parseResourceAddress(path: string): ResourceAddress | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+)\/((?:[^/]+\/[^/]+)(?:\/[^/]+\/[^/]+)*)$/i.exec(
      path,
    );
  if (match === null) return undefined;
  const [, subscriptionId = '', resourceGroup = '', rawNamespace = '', typesAndNames = ''] = match;
  const pairs = typesAndNames.split('/');
  const types = pairs.filter((_, i) => i % 2 === 0);
  const names = pairs.filter((_, i) => i % 2 === 1);
  const namespace =
    genericNamespaces.find((n) => n.toLowerCase() === rawNamespace.toLowerCase()) ?? rawNamespace;
  return {
    subscriptionId,
    resourceGroup,
    namespace,
    type: `${namespace}/${types.join('/')}`,
    name: names.join('/'),
    id: path,
  };
}

/** The type of a resource id: `Namespace/type[/child]`. */
export function typeOfId(id: string): string {
  const parts = id.split('/providers/').pop()!.split('/');
  return [parts[0], ...parts.slice(1).filter((_, i) => i % 2 === 0)].join('/');
}

function notFound(address: ResourceAddress): Reply {
  const relative = `${address.type}/${address.name}`;
  return armError(
    404,
    'ResourceNotFound',
    `The Resource '${relative}' under resource group '${address.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** Checks the namespace is one the cloud serves generically, and that the resource group exists. */
export function checkResourceScope(context: ArmContext, address: ResourceAddress): Reply | undefined {
  if (!genericNamespaces.includes(address.namespace)) {
    return armError(
      400,
      'InvalidResourceNamespace',
      `The resource namespace '${address.namespace}' is invalid.`,
    );
  }
  return resourceGroupMissing(context, address.subscriptionId, address.resourceGroup);
}

/** The body of a generic resource: a JSON object, with a location when the resource is not a child. */
function invalidBody(body: unknown, topLevel: boolean): Reply | undefined {
  if (typeof body !== 'object' || body === null)
    return armError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: a JSON object is required.',
    );
  const location = (body as Record<string, unknown>).location;
  if (topLevel && (typeof location !== 'string' || !location))
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  return undefined;
}

/** PUT: stores the resource (201 created, 200 replaced) with provisioningState Succeeded. */
export function putResource(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return servePut<Record<string, unknown>, ResourceRecord>(exchange, context, {
    validate: (body) => invalidBody(body, !address.name.includes('/')),
    ...inResourceMap(context, address.id),
    build: (fields, existing) => ({
      ...fields,
      id: existing?.id ?? address.id,
      name: address.name.split('/').pop() ?? address.name,
      type: address.type,
      ...(typeof fields.location === 'string' ? { location: normaliseLocation(fields.location) } : {}),
      properties: {
        ...((fields.properties as Record<string, unknown> | undefined) ?? {}),
        provisioningState: 'Succeeded',
      },
    }),
    present: withoutWriteOnly,
  });
}

/** GET one resource. */
export function getResource(context: ArmContext, address: ResourceAddress): Reply {
  const record = context.store.resources.get(address.id.toLowerCase());
  return record === undefined ? notFound(address) : json(200, withoutWriteOnly(record));
}

/** PATCH: replaces the tags given. */
export function patchResource(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  const record = context.store.resources.get(address.id.toLowerCase());
  if (record === undefined) return notFound(address);
  const body = withoutNullMembers(jsonBody(exchange)) as Record<string, unknown> | undefined;
  if (body?.tags !== undefined) record.tags = body.tags as Record<string, string>;
  return json(200, withoutWriteOnly(record));
}

/** DELETE: 200 when removed, 204 when there was nothing to remove. */
export function deleteResource(context: ArmContext, address: ResourceAddress): Reply {
  const removed = context.store.resources.delete(address.id.toLowerCase());
  for (const child of context.store.resourcesUnder(address.id))
    context.store.resources.delete(child.id.toLowerCase());
  return { status: removed ? 200 : 204 };
}

/**
 * A resource as ARM lists it (GenericResourceExpanded): what identifies it, without its properties; with its
 * provisioningState when `$expand` names it (createdTime and changedTime are not kept, so not answered).
 */
function listed(record: ResourceRecord, withTags: boolean, expand: string[]): Record<string, unknown> {
  const { id, name, type, location, tags, kind, sku, plan, identity, managedBy } = record;
  const state = expand.includes('provisioningstate') ? record.properties.provisioningState : undefined;
  const shownTags = withTags ? { tags } : {};
  return {
    id,
    name,
    type,
    location,
    ...shownTags,
    kind,
    sku,
    plan,
    identity,
    managedBy,
    provisioningState: state,
  };
}

/**
 * GET `…/resources` of a subscription or resource group, with `$filter` (resources filtered by tag are answered
 * without their tags, as ARM does), `$expand` and `$top`.
 */
export function listResources(exchange: Exchange, context: ArmContext, scopeId: string): Reply {
  const filter = parseListFilter(exchange.query.get('$filter'));
  if (!('keeps' in filter)) return filter;
  const expand = (exchange.query.get('$expand') ?? '')
    .toLowerCase()
    .split(',')
    .map((e) => e.trim());
  const matches = context.store
    .resourcesUnder(scopeId)
    .filter((r) => r.id.split('/').length === 9 && filter.keeps(r))
    .map((r) => listed(r, !filter.byTag, expand));
  return json(200, { value: firstOf(matches, exchange.query.get('$top')) });
}
