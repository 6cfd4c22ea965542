import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from './arm-context.js';
import { armError } from './arm-error.js';
import { parseListFilter } from './list-filter.js';
import { acceptLongRunning } from './long-running.js';
import { deploymentsOf } from '../deployments/deployment-record.js';
import type { ResourceGroupRecord, ResourceStore } from './resource-store.js';

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
  const body = jsonBody(exchange);
  if (typeof body !== 'object' || body === null)
    return armError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: a JSON object is required.',
    );
  const fields = body as Record<string, unknown>;
  if (typeof fields.location !== 'string' || !fields.location)
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const location = normaliseLocation(fields.location);
  if (!context.scenario.locations.includes(location)) {
    return armError(
      400,
      'LocationNotAvailableForResourceGroup',
      `The provided location '${fields.location}' is not available for resource group. List of available regions is '${context.scenario.locations.join(',')}'.`,
    );
  }
  const tags = parseTags(fields);
  if (typeof tags === 'string') return armError(400, 'InvalidRequestContent', tags);
  const existing = context.store.resourceGroups.get(key(subscriptionId, name));
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
  const record: ResourceGroupRecord = {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${existing?.name ?? name}`,
    name: existing?.name ?? name,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    ...(typeof fields.managedBy === 'string' ? { managedBy: fields.managedBy } : {}),
    ...(tags === undefined ? {} : { tags }),
    properties: { provisioningState: 'Succeeded' },
  };
  context.store.resourceGroups.set(key(subscriptionId, name), record);
  return json(existing === undefined ? 201 : 200, record);
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
    return armError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: a JSON object is required.',
    );
  const tags = parseTags(body as Record<string, unknown>);
  if (typeof tags === 'string') return armError(400, 'InvalidRequestContent', tags);
  if (tags !== undefined) group.tags = tags;
  return json(200, group);
}

/** GET the subscription's resource groups, with `$filter` on tags and `$top`. */
export function listResourceGroups(exchange: Exchange, context: ArmContext, subscriptionId: string): Reply {
  const filter = parseListFilter(exchange.query.get('$filter'), ['tagname', 'tagvalue']);
  if (typeof filter === 'string') return armError(400, 'InvalidFilterInQueryString', filter);
  const prefix = `/subscriptions/${subscriptionId}/resourcegroups/`.toLowerCase();
  const groups = [...context.store.resourceGroups.entries()]
    .filter(([k, g]) => k.startsWith(prefix) && filter(g))
    .map(([, g]) => g);
  const top = Number(exchange.query.get('$top') ?? groups.length);
  return json(200, { value: groups.slice(0, Number.isFinite(top) ? top : groups.length) });
}

/** DELETE: a long-running operation that removes the group and every resource in it. */
export function deleteResourceGroup(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  name: string,
): Reply {
  const group = context.store.resourceGroups.get(key(subscriptionId, name));
  if (group === undefined) return notFound(name);
  group.properties.provisioningState = 'Deleting';
  return acceptLongRunning(exchange, context, subscriptionId.toLowerCase(), () => {
    for (const resource of context.store.resourcesUnder(group.id))
      context.store.resources.delete(resource.id.toLowerCase());
    const deployments = deploymentsOf(context.store);
    for (const id of [...deployments.keys()])
      if (id.startsWith(group.id.toLowerCase() + '/')) deployments.delete(id);
    forgetReferencesInto(context.store, group.id);
    context.store.resourceGroups.delete(key(subscriptionId, name));
  });
}

/**
 * What resources in other groups keep of the deleted group's resources, as the owning providers drop it when
 * ARM deletes them: a subnet's `ipConfigurations` entries of the group's NICs, a Private Link Service's
 * connections from the group's private endpoints.
 */
function forgetReferencesInto(store: ResourceStore, groupId: string): void {
  const inGroup = (id: unknown) =>
    typeof id === 'string' && id.toLowerCase().startsWith(groupId.toLowerCase() + '/');
  for (const resource of store.resources.values()) {
    const properties = resource.properties as
      | {
          subnets?: { properties?: { ipConfigurations?: { id: string }[] } }[];
          privateEndpointConnections?: { properties?: { privateEndpoint?: { id?: string } } }[];
        }
      | undefined;
    for (const subnet of properties?.subnets ?? []) {
      const uses = subnet.properties?.ipConfigurations;
      if (!uses) continue;
      const kept = uses.filter((use) => !inGroup(use.id));
      if (kept.length > 0) subnet.properties!.ipConfigurations = kept;
      else delete subnet.properties!.ipConfigurations;
    }
    if (properties?.privateEndpointConnections)
      properties.privateEndpointConnections = properties.privateEndpointConnections.filter(
        (connection) => !inGroup(connection.properties?.privateEndpoint?.id),
      );
  }
}
