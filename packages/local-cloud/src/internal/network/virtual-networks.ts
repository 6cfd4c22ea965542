import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { normaliseLocation } from '../arm/resource-groups.js';
import type { ResourceAddress } from '../arm/generic-resources.js';
import { validateNetworkBody } from './network-schemas.js';
import { startNetworkOperation } from './network-operation.js';
import { newEtag, type SubnetRecord, type VirtualNetworkRecord } from './network-records.js';
import { checkSubnetReferences } from './network-resource-record.js';
import { checkSubnetPrefixes, parsePrefixes, subnetInUse, subnetPrefixTexts } from './subnet-prefixes.js';

interface SubnetRequest {
  name?: string;
  properties?: Record<string, unknown>;
}

/** The stored virtual network at an address, if any. */
export function findVirtualNetwork(context: ArmContext, id: string): VirtualNetworkRecord | undefined {
  return context.store.resources.get(id.toLowerCase()) as VirtualNetworkRecord | undefined;
}

/** The actions Azure lists on a delegation, per delegated service (others get none). */
const delegationActions: Record<string, string[]> = {
  'microsoft.containerinstance/containergroups': ['Microsoft.Network/virtualNetworks/subnets/action'],
};

/** A delegation as Azure answers it: id under the subnet, type, etag, the service's actions. */
function delegationRecord(subnetId: string, request: unknown): Record<string, unknown> {
  const { name, properties } = request as { name?: string; properties?: { serviceName?: string } };
  const service = properties?.serviceName ?? '';
  return {
    id: `${subnetId}/delegations/${name ?? ''}`,
    name,
    type: 'Microsoft.Network/virtualNetworks/subnets/delegations',
    etag: newEtag(),
    properties: {
      serviceName: service,
      actions: delegationActions[service.toLowerCase()] ?? [],
      provisioningState: 'Succeeded',
    },
  };
}

/** Builds a subnet record from its request, keeping what the service owns (IP configurations) from `existing`. */
export function subnetRecord(
  vnetId: string,
  name: string,
  request: SubnetRequest,
  existing?: SubnetRecord,
): SubnetRecord {
  const id = `${vnetId}/subnets/${name}`;
  const delegations = request.properties?.delegations;
  return {
    id,
    name,
    type: 'Microsoft.Network/virtualNetworks/subnets',
    etag: newEtag(),
    properties: {
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
      ...request.properties,
      ...(Array.isArray(delegations) ? { delegations: delegations.map((d) => delegationRecord(id, d)) } : {}),
      provisioningState: 'Updating',
      ...(existing?.properties.ipConfigurations
        ? { ipConfigurations: existing.properties.ipConfigurations }
        : {}),
    },
  };
}

function buildSubnets(
  record: VirtualNetworkRecord,
  requested: SubnetRequest[],
  existing: SubnetRecord[],
): SubnetRecord[] | Reply {
  const space = parsePrefixes(record.properties.addressSpace.addressPrefixes, record.id);
  if (!Array.isArray(space)) return space;
  const built: SubnetRecord[] = [];
  for (const request of requested) {
    const name = request.name ?? '';
    const previous = existing.find((s) => s.name.toLowerCase() === name.toLowerCase());
    const problem = checkSubnetPrefixes(
      { id: record.id, name: record.name, space },
      { name, prefixes: subnetPrefixTexts(request) },
      built,
    );
    if (problem !== undefined) return problem;
    built.push(subnetRecord(record.id, previous?.name ?? name, request, previous));
  }
  for (const removed of existing.filter((s) => !built.some((b) => b.name === s.name))) {
    const inUse = subnetInUse(removed);
    if (inUse !== undefined) return inUse;
  }
  return built;
}

/** PUT a virtual network: 201/200 with provisioningState Updating and Azure-AsyncOperation, Succeeded when done. */
export function putVirtualNetwork(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  const body = jsonBody(exchange);
  const invalid = validateNetworkBody('virtualNetwork', body);
  if (invalid !== undefined) return invalid;
  const request = body as {
    location: string;
    tags?: Record<string, string>;
    properties?: Record<string, unknown>;
  };
  const existing = findVirtualNetwork(context, address.id);
  const props = request.properties ?? {};
  const record: VirtualNetworkRecord = {
    id: existing?.id ?? address.id,
    name: address.name,
    type: 'Microsoft.Network/virtualNetworks',
    location: normaliseLocation(request.location),
    ...(request.tags ? { tags: request.tags } : {}),
    etag: newEtag(),
    properties: {
      enableDdosProtection: false,
      // A PUT without peerings keeps the existing ones, as Azure does since the peering has its own resource.
      virtualNetworkPeerings: existing?.properties.virtualNetworkPeerings ?? [],
      ...props,
      addressSpace: {
        addressPrefixes: (props.addressSpace as { addressPrefixes?: string[] })?.addressPrefixes ?? [],
      },
      subnets: [],
      provisioningState: 'Updating',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
    },
  };
  for (const subnet of (props.subnets as SubnetRequest[] | undefined) ?? []) {
    const missing = checkSubnetReferences(
      context,
      `${record.id}/subnets/${subnet.name ?? ''}`,
      subnet.properties,
    );
    if (missing !== undefined) return missing;
  }
  const subnets = buildSubnets(
    record,
    (props.subnets as SubnetRequest[] | undefined) ?? [],
    existing?.properties.subnets ?? [],
  );
  if (!Array.isArray(subnets)) return subnets;
  record.properties.subnets = subnets;
  context.store.resources.set(address.id.toLowerCase(), record);
  const headers = startNetworkOperation(exchange, context, address.subscriptionId, record.location, () =>
    markSucceeded(record),
  );
  return json(existing === undefined ? 201 : 200, structuredClone(record), headers);
}

/** Marks a virtual network and its subnets Succeeded (the end of its operation). */
export function markSucceeded(record: VirtualNetworkRecord): void {
  record.properties.provisioningState = 'Succeeded';
  for (const subnet of record.properties.subnets) subnet.properties.provisioningState = 'Succeeded';
}

/** DELETE a virtual network: refused while a subnet is in use; otherwise 202 with both polling headers. */
export function deleteVirtualNetwork(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const record = findVirtualNetwork(context, address.id);
  if (record === undefined) return { status: 204 };
  for (const subnet of record.properties.subnets) {
    const inUse = subnetInUse(subnet);
    if (inUse !== undefined) return inUse;
  }
  record.properties.provisioningState = 'Deleting';
  const headers = startNetworkOperation(
    exchange,
    context,
    address.subscriptionId,
    record.location,
    () => context.store.resources.delete(address.id.toLowerCase()),
    true,
  );
  return { status: 202, headers };
}
