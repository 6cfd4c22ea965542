import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from './arm-provider.js';
import { armError } from './arm-error.js';
import { firstOf, parseListFilter } from './list-filter.js';
import { acceptOperation, resourceManagerProtocol } from './long-running.js';
import { servePut } from './resource-put.js';
import type { ResourceGroupRecord } from './resource-store.js';

const namePattern = /^[-\w._()\p{L}]{1,90}$/u;

function key(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${name}`.toLowerCase();
}

/** Normalises `West Europe` to `westeurope`, as ARM does. */
export function normaliseLocation(location: string): string {
  return location.toLowerCase().replaceAll(' ', '');
}

function notFound(name: string): Reply {
  return armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

function parseTags(body: Record<string, unknown>): Record<string, string> | undefined | string {
  if (body.tags === undefined || body.tags === null) return undefined;
  if (typeof body.tags !== 'object' || Array.isArray(body.tags))
    return 'The tags property must be an object of string values.';
  const entries = Object.entries(body.tags as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) return 'Every tag value must be a string.';
  return Object.fromEntries(entries) as Record<string, string>;
}

const invalidContent =
  'The request content was invalid and could not be deserialized: a JSON object is required.';

/** The body's faults ARM answers before it looks at the store: not an object, no or unknown location, bad tags. */
function invalidGroupBody(context: ArmContext, body: unknown): Reply | undefined {
  if (typeof body !== 'object' || body === null)
    return armError(400, 'InvalidRequestContent', invalidContent);
  const fields = body as Record<string, unknown>;
  if (typeof fields.location !== 'string' || !fields.location)
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (!context.scenario.locations.includes(normaliseLocation(fields.location))) {
    return armError(
      400,
      'LocationNotAvailableForResourceGroup',
      `The provided location '${fields.location}' is not available for resource group. List of available regions is '${context.scenario.locations.join(',')}'.`,
    );
  }
  const tags = parseTags(fields);
  return typeof tags === 'string' ? armError(400, 'InvalidRequestContent', tags) : undefined;
}

/** The group's record, or 409 while the existing group is being deleted or lives in another location. */
function groupRecord(
  subscriptionId: string,
  name: string,
  fields: Record<string, unknown>,
  existing: ResourceGroupRecord | undefined,
): ResourceGroupRecord | Reply {
  const location = normaliseLocation(String(fields.location));
  if (existing?.properties.provisioningState === 'Deleting') {
    return armError(
      409,
      'ResourceGroupBeingDeleted',
      `The resource group '${existing.name}' is in deprovisioning state and cannot perform this operation.`,
    );
  }
  if (existing !== undefined && existing.location !== location) {
    return armError(
      409,
      'InvalidResourceGroupLocation',
      `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
    );
  }
  const tags = parseTags(fields) as Record<string, string> | undefined;
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${existing?.name ?? name}`,
    name: existing?.name ?? name,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    ...(typeof fields.managedBy === 'string' ? { managedBy: fields.managedBy } : {}),
    ...(tags === undefined ? {} : { tags }),
    properties: { provisioningState: 'Succeeded' },
  };
}

/** PUT: creates (201) or updates (200) a resource group. */
export function putResourceGroup(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  name: string,
): Reply {
  if (!namePattern.test(name) || name.endsWith('.')) {
    return armError(
      400,
      'InvalidResourceGroup',
      `The provided resource group name '${name}' has these invalid characters or length; use 1-90 letters, digits, '.', '_', '-', '(' or ')', not ending in '.'.`,
    );
  }
  const groups = context.store.resourceGroups;
  return servePut<Record<string, unknown>, ResourceGroupRecord>(exchange, context, {
    validate: (body) => invalidGroupBody(context, body),
    find: () => groups.get(key(subscriptionId, name)),
    build: (fields, existing) => groupRecord(subscriptionId, name, fields, existing),
    save: (record) => void groups.set(key(subscriptionId, name), record),
  });
}

/** GET one resource group. */
export function getResourceGroup(context: ArmContext, subscriptionId: string, name: string): Reply {
  const group = context.store.resourceGroups.get(key(subscriptionId, name));
  return group === undefined ? notFound(name) : json(200, group);
}

/** HEAD: 204 when the group exists, 404 otherwise (checkExistence). */
export function headResourceGroup(context: ArmContext, subscriptionId: string, name: string): Reply {
  return { status: context.store.resourceGroups.has(key(subscriptionId, name)) ? 204 : 404 };
}

/** PATCH: replaces the tags (and managedBy) given. */
export function patchResourceGroup(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  name: string,
): Reply {
  const group = context.store.resourceGroups.get(key(subscriptionId, name));
  if (group === undefined) return notFound(name);
  const body = jsonBody(exchange);
  if (typeof body !== 'object' || body === null)
    return armError(400, 'InvalidRequestContent', invalidContent);
  const tags = parseTags(body as Record<string, unknown>);
  if (typeof tags === 'string') return armError(400, 'InvalidRequestContent', tags);
  if (tags !== undefined) group.tags = tags;
  return json(200, group);
}

/** GET the subscription's resource groups, with `$filter` on tags and `$top`. */
export function listResourceGroups(exchange: Exchange, context: ArmContext, subscriptionId: string): Reply {
  const filter = parseListFilter(exchange.query.get('$filter'), true);
  if (!('keeps' in filter)) return filter;
  const prefix = `/subscriptions/${subscriptionId}/resourcegroups/`.toLowerCase();
  const groups = [...context.store.resourceGroups.entries()]
    .filter(([k, g]) => k.startsWith(prefix) && filter.keeps(g))
    .map(([, g]) => g);
  return json(200, { value: firstOf(groups, exchange.query.get('$top')) });
}

/** 404 ResourceGroupNotFound when the subscription has no such group; the check before any call into a group. */
export function resourceGroupMissing(
  context: ArmContext,
  subscriptionId: string,
  name: string,
): Reply | undefined {
  return context.store.resourceGroups.has(key(subscriptionId, name)) ? undefined : notFound(name);
}

/**
 * DELETE: a long-running operation (ARM's own protocol) that removes the group, every resource stored under it, and
 * (through the providers' hooks) what the providers keep of it elsewhere.
 */
export function deleteResourceGroup(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  name: string,
): Reply {
  const group = context.store.resourceGroups.get(key(subscriptionId, name));
  if (group === undefined) return notFound(name);
  group.properties.provisioningState = 'Deleting';
  const complete = () => {
    for (const resource of context.store.resourcesUnder(group.id))
      context.store.resources.delete(resource.id.toLowerCase());
    for (const provider of context.providers) provider.hooks?.resourceGroupDeleted?.(context, group.id);
    context.store.resourceGroups.delete(key(subscriptionId, name));
  };
  return acceptOperation(exchange, context, resourceManagerProtocol, {
    subscriptionId: subscriptionId.toLowerCase(),
    complete,
    deletes: true,
  });
}
