import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { parseIpv4Prefix } from '../../subnet-addressing/ipv4-prefix.js';
import { validateNetworkBody } from './network-schemas.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { networkOperation, serveNetworkDelete } from './network-operation.js';
import {
  newEtag,
  type IpConfigurationRecord,
  type NetworkInterfaceRecord,
} from '../../subnet-addressing/network-records.js';
import { allocatePrivateIp } from '../../subnet-addressing/private-ip-allocation.js';
import {
  findSubnet,
  findVirtualNetwork,
  relinkSubnets,
  subnetPrefixTexts,
  takenIn,
} from '../../subnet-addressing/subnet-users.js';

interface IpConfigurationRequest {
  name: string;
  properties?: {
    subnet?: { id?: string };
    privateIPAddress?: string;
    privateIPAllocationMethod?: 'Static' | 'Dynamic';
    primary?: boolean;
  };
}

function buildIpConfiguration(
  context: ArmContext,
  nic: { id: string; location: string },
  request: IpConfigurationRequest,
  index: number,
  previous?: IpConfigurationRecord,
): IpConfigurationRecord | Reply {
  const id = `${nic.id}/ipConfigurations/${request.name}`;
  const subnetId = request.properties?.subnet?.id ?? '';
  const subnet = findSubnet(context, subnetId);
  const vnet = findVirtualNetwork(context, subnetId.replace(/\/subnets\/[^/]+$/i, ''));
  if (subnet === undefined || vnet === undefined || vnet.location !== nic.location) {
    return armError(
      400,
      'InvalidResourceReference',
      `Resource ${subnetId || '(no subnet id)'} referenced by resource ${nic.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  const prefix = parseIpv4Prefix(subnetPrefixTexts(subnet)[0] ?? '');
  if (prefix === undefined || typeof prefix === 'string')
    return armError(400, 'InvalidResourceReference', `Subnet ${subnet.id} has no IPv4 address prefix.`);
  const method = request.properties?.privateIPAllocationMethod ?? 'Dynamic';
  const sameSubnet = previous?.properties.subnet.id.toLowerCase() === subnet.id.toLowerCase();
  const address = allocatePrivateIp(
    {
      method,
      address: request.properties?.privateIPAddress,
      keep: sameSubnet ? previous?.properties.privateIPAddress : undefined,
    },
    { id: subnet.id, prefix },
    takenIn(context, subnet, nic.id),
    id,
  );
  if (typeof address !== 'string') return address;
  return {
    id,
    name: request.name,
    type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
    etag: newEtag(),
    properties: {
      ...request.properties,
      privateIPAddress: address,
      privateIPAllocationMethod: method,
      privateIPAddressVersion: 'IPv4',
      primary: request.properties?.primary ?? index === 0,
      subnet: { id: subnet.id },
      provisioningState: 'Updating',
    },
  };
}

type NetworkInterfaceRequest = {
  location: string;
  tags?: Record<string, string>;
  properties?: { ipConfigurations?: IpConfigurationRequest[] } & Record<string, unknown>;
};

/** The record of a network interface: each IP configuration with an address in its subnet. */
function networkInterfaceRecord(
  context: ArmContext,
  address: ResourceAddress,
  request: NetworkInterfaceRequest,
  existing: NetworkInterfaceRecord | undefined,
): NetworkInterfaceRecord | Reply {
  const nic = { id: existing?.id ?? address.id, location: normaliseLocation(request.location) };
  const requested = request.properties?.ipConfigurations ?? [];
  if (requested.length === 0) {
    return armError(
      400,
      'NetworkInterfaceMustHaveAtLeastOneIpConfiguration',
      `Network interface ${nic.id} must have at least one IP configuration in properties.ipConfigurations.`,
    );
  }
  const configs: IpConfigurationRecord[] = [];
  for (const [index, config] of requested.entries()) {
    const previous = existing?.properties.ipConfigurations.find((c) => c.name === config.name);
    const built = buildIpConfiguration(context, nic, config, index, previous);
    if ('status' in built || 'reset' in built) return built;
    configs.push(built);
  }
  return {
    id: nic.id,
    name: address.name,
    type: 'Microsoft.Network/networkInterfaces',
    location: nic.location,
    ...(request.tags ? { tags: request.tags } : {}),
    etag: newEtag(),
    properties: {
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      nicType: 'Standard',
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      ...request.properties,
      ipConfigurations: configs,
      provisioningState: 'Updating',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
    },
  };
}

/** Marks a network interface and its IP configurations Succeeded (the end of its operation). */
function markSucceeded(record: NetworkInterfaceRecord): void {
  record.properties.provisioningState = 'Succeeded';
  for (const config of record.properties.ipConfigurations) config.properties.provisioningState = 'Succeeded';
}

/** PUT a network interface: each IP configuration gets a subnet address; Updating until its operation ends. */
export function putNetworkInterface(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const stored = inResourceMap<NetworkInterfaceRecord>(context, address.id);
  return servePut<NetworkInterfaceRequest, NetworkInterfaceRecord>(exchange, context, {
    validate: (raw) => validateNetworkBody('networkInterface', raw),
    find: stored.find,
    build: (request, existing) => networkInterfaceRecord(context, address, request, existing),
    save: (record, existing) => {
      relinkSubnets(context, existing?.properties.ipConfigurations ?? [], record.properties.ipConfigurations);
      return stored.save(record, existing);
    },
    operation: (record) => networkOperation(address, record.location, () => markSucceeded(record)),
  });
}

/** DELETE a network interface: releases its addresses, 202 with polling headers. */
export function deleteNetworkInterface(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const remove = (record: NetworkInterfaceRecord) => {
    relinkSubnets(context, record.properties.ipConfigurations, []);
    context.store.resources.delete(address.id.toLowerCase());
  };
  return serveNetworkDelete(exchange, context, address, { remove, marksDeleting: true });
}
