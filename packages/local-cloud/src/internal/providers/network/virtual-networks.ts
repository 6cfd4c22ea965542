import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { validateNetworkBody } from './network-schemas.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { subnetPrefixTexts } from '../../subnet-addressing/subnet-users.js';
import { networkOperation, serveNetworkDelete } from './network-operation.js';
import {
  newEtag,
  type SubnetRecord,
  type VirtualNetworkRecord,
} from '../../subnet-addressing/network-records.js';
import { checkSubnetReferences } from './network-resource-record.js';
import { checkSubnetPrefixes, parsePrefixes, subnetInUse } from './subnet-prefixes.js';

interface SubnetRequest {
  name?: string;
  properties?: Record<string, unknown>;
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

type VirtualNetworkRequest = {
  location: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
};

/** The record of a virtual network: its subnets checked against the address space and their references. */
function virtualNetworkRecord(
  context: ArmContext,
  address: ResourceAddress,
  request: VirtualNetworkRequest,
  existing: VirtualNetworkRecord | undefined,
): VirtualNetworkRecord | Reply {
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
  const requested = (props.subnets as SubnetRequest[] | undefined) ?? [];
  for (const subnet of requested) {
    const subnetId = `${record.id}/subnets/${subnet.name ?? ''}`;
    const missing = checkSubnetReferences(context, subnetId, subnet.properties);
    if (missing !== undefined) return missing;
  }
  const subnets = buildSubnets(record, requested, existing?.properties.subnets ?? []);
  if (!Array.isArray(subnets)) return subnets;
  record.properties.subnets = subnets;
  return record;
}

/** PUT a virtual network: 201/200 with provisioningState Updating and Azure-AsyncOperation, Succeeded when done. */
export function putVirtualNetwork(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return servePut<VirtualNetworkRequest, VirtualNetworkRecord>(exchange, context, {
    validate: (raw) => validateNetworkBody('virtualNetwork', raw),
    ...inResourceMap(context, address.id),
    build: (request, existing) => virtualNetworkRecord(context, address, request, existing),
    operation: (record) => networkOperation(address, record.location, () => markSucceeded(record)),
  });
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
  const refuse = (record: VirtualNetworkRecord) =>
    record.properties.subnets.map(subnetInUse).find((inUse) => inUse !== undefined);
  return serveNetworkDelete(exchange, context, address, { refuse, marksDeleting: true });
}
