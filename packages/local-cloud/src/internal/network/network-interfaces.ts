import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';
import { normaliseLocation } from '../arm/resource-groups.js';
import type { ResourceAddress } from '../arm/generic-resources.js';
import { parseIpv4, parseIpv4Prefix } from './ipv4-prefix.js';
import { validateNetworkBody } from './network-schemas.js';
import { startNetworkOperation } from './network-operation.js';
import {
  newEtag,
  type IpConfigurationRecord,
  type NetworkInterfaceRecord,
  type SubnetRecord,
} from './network-records.js';
import { allocatePrivateIp, type TakenAddresses } from './private-ip-allocation.js';
import { findVirtualNetwork } from './virtual-networks.js';
import { subnetPrefixTexts } from './subnet-prefixes.js';

interface IpConfigurationRequest {
  name: string;
  properties?: {
    subnet?: { id?: string };
    privateIPAddress?: string;
    privateIPAllocationMethod?: 'Static' | 'Dynamic';
    primary?: boolean;
  };
}

/** The subnet record (inline in its virtual network) of a subnet id. */
export function findSubnet(context: ArmContext, subnetId: string): SubnetRecord | undefined {
  const vnetId = subnetId.replace(/\/subnets\/[^/]+$/i, '');
  return findVirtualNetwork(context, vnetId)?.properties.subnets.find(
    (s) => s.id.toLowerCase() === subnetId.toLowerCase(),
  );
}

/**
 * The private address an IP configuration that uses a subnet holds: a NIC's ipConfiguration, a load balancer's
 * frontendIPConfiguration or a Private Link Service's ipConfiguration, read from its owner.
 */
function addressOfUser(context: ArmContext, userId: string): string | undefined {
  const match = /^(.*)\/(ipConfigurations|frontendIPConfigurations)\/[^/]+$/i.exec(userId);
  if (match === null) return undefined;
  const owner = context.store.resources.get(match[1]!.toLowerCase());
  const configs =
    owner?.properties[match[2] === 'ipConfigurations' ? 'ipConfigurations' : 'frontendIPConfigurations'];
  if (!Array.isArray(configs)) return undefined;
  const config = (configs as { id?: string; properties?: { privateIPAddress?: string } }[]).find(
    (c) => c.id?.toLowerCase() === userId.toLowerCase(),
  );
  return config?.properties?.privateIPAddress;
}

/** The addresses of a subnet held by IP configurations other than those of `exceptOwner`. */
export function takenIn(context: ArmContext, subnet: SubnetRecord, exceptOwner: string): TakenAddresses {
  const taken: TakenAddresses = new Map();
  for (const user of subnet.properties.ipConfigurations ?? []) {
    if (user.id.toLowerCase().startsWith(exceptOwner.toLowerCase() + '/')) continue;
    const text = addressOfUser(context, user.id);
    const address = text === undefined ? undefined : parseIpv4(text);
    if (address !== undefined) taken.set(address, user.id);
  }
  return taken;
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

/** Moves the subnets' `ipConfigurations` back-references from the old configurations to the new ones. */
export function relinkSubnets(
  context: ArmContext,
  removed: { id: string; properties: { subnet: { id: string } } }[],
  added: { id: string; properties: { subnet: { id: string } } }[],
): void {
  for (const config of removed) {
    const subnet = findSubnet(context, config.properties.subnet.id);
    if (subnet?.properties.ipConfigurations) {
      subnet.properties.ipConfigurations = subnet.properties.ipConfigurations.filter(
        (u) => u.id.toLowerCase() !== config.id.toLowerCase(),
      );
      if (subnet.properties.ipConfigurations.length === 0) delete subnet.properties.ipConfigurations;
    }
  }
  for (const config of added) {
    const subnet = findSubnet(context, config.properties.subnet.id);
    if (subnet !== undefined)
      subnet.properties.ipConfigurations = [...(subnet.properties.ipConfigurations ?? []), { id: config.id }];
  }
}

/** PUT a network interface: each IP configuration gets a subnet address; Updating until its operation ends. */
export function putNetworkInterface(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const body = jsonBody(exchange);
  const invalid = validateNetworkBody('networkInterface', body);
  if (invalid !== undefined) return invalid;
  const request = body as {
    location: string;
    tags?: Record<string, string>;
    properties?: { ipConfigurations?: IpConfigurationRequest[] } & Record<string, unknown>;
  };
  const existing = context.store.resources.get(address.id.toLowerCase()) as
    NetworkInterfaceRecord | undefined;
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
  const record: NetworkInterfaceRecord = {
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
  relinkSubnets(context, existing?.properties.ipConfigurations ?? [], configs);
  context.store.resources.set(address.id.toLowerCase(), record);
  const done = () => {
    record.properties.provisioningState = 'Succeeded';
    for (const config of record.properties.ipConfigurations)
      config.properties.provisioningState = 'Succeeded';
  };
  const headers = startNetworkOperation(exchange, context, address.subscriptionId, record.location, done);
  return json(existing === undefined ? 201 : 200, structuredClone(record), headers);
}

/** DELETE a network interface: releases its addresses, 202 with polling headers. */
export function deleteNetworkInterface(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const record = context.store.resources.get(address.id.toLowerCase()) as NetworkInterfaceRecord | undefined;
  if (record === undefined) return { status: 204 };
  record.properties.provisioningState = 'Deleting';
  const remove = () => {
    relinkSubnets(context, record.properties.ipConfigurations, []);
    context.store.resources.delete(address.id.toLowerCase());
  };
  return {
    status: 202,
    headers: startNetworkOperation(exchange, context, address.subscriptionId, record.location, remove, true),
  };
}
