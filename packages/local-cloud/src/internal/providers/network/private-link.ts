import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { parseIpv4, parseIpv4Prefix } from '../../subnet-addressing/ipv4-prefix.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { networkOperation, serveNetworkDelete } from './network-operation.js';
import { newEtag } from '../../subnet-addressing/network-records.js';
import {
  findSubnet,
  relinkSubnets,
  subnetPrefixTexts,
  takenIn,
} from '../../subnet-addressing/subnet-users.js';
import { allocatePrivateIp } from '../../subnet-addressing/private-ip-allocation.js';

type Json = Record<string, unknown>;
type IpUser = { id: string; properties: { subnet: { id: string }; privateIPAddress?: string } & Json };

/** The child collections of each type whose members get ids `{parent}/{collection}/{name}` as Azure forms them. */
const childCollections: Record<string, string[]> = {
  'Microsoft.Network/loadBalancers': [
    'frontendIPConfigurations',
    'backendAddressPools',
    'probes',
    'loadBalancingRules',
    'inboundNatRules',
    'outboundRules',
  ],
  'Microsoft.Network/privateLinkServices': ['ipConfigurations'],
  'Microsoft.Network/privateEndpoints': [
    'privateLinkServiceConnections',
    'manualPrivateLinkServiceConnections',
  ],
};

function withChildIds(id: string, type: string, properties: Json): Json {
  const result: Json = { ...properties };
  for (const collection of childCollections[type] ?? []) {
    const members = properties[collection];
    if (!Array.isArray(members)) continue;
    result[collection] = (members as Json[]).map((member) => ({
      ...member,
      id: `${id}/${collection}/${String(member.name)}`,
      etag: newEtag(),
      type: `${type}/${collection}`,
      properties: { ...((member.properties as Json | undefined) ?? {}), provisioningState: 'Succeeded' },
    }));
  }
  return result;
}

/** Gives each IP configuration that uses a subnet its private address (Static checked, Dynamic allocated). */
function allocateAddresses(
  context: ArmContext,
  ownerId: string,
  users: IpUser[],
  previous: IpUser[],
): Reply | undefined {
  for (const user of users) {
    const subnet = findSubnet(context, user.properties.subnet.id);
    const prefix = subnet === undefined ? undefined : parseIpv4Prefix(subnetPrefixTexts(subnet)[0] ?? '');
    if (subnet === undefined || prefix === undefined || typeof prefix === 'string') {
      return armError(
        400,
        'InvalidResourceReference',
        `Resource ${user.properties.subnet.id} referenced by resource ${ownerId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
      );
    }
    const taken = takenIn(context, subnet, ownerId);
    for (const other of users) {
      const held = other === user ? undefined : parseIpv4(other.properties.privateIPAddress ?? '');
      if (held !== undefined) taken.set(held, other.id);
    }
    const before = previous.find((p) => p.id.toLowerCase() === user.id.toLowerCase());
    const method = user.properties.privateIPAllocationMethod === 'Static' ? 'Static' : 'Dynamic';
    const address = allocatePrivateIp(
      {
        method,
        ...(typeof user.properties.privateIPAddress === 'string'
          ? { address: user.properties.privateIPAddress }
          : {}),
        ...(before?.properties.privateIPAddress ? { keep: before.properties.privateIPAddress } : {}),
      },
      { id: subnet.id, prefix },
      taken,
      user.id,
    );
    if (typeof address !== 'string') return address;
    user.properties.privateIPAddress = address;
    user.properties.privateIPAllocationMethod = method;
  }
  return undefined;
}

/** The IP configurations of a record that hold subnet addresses (LB frontends, PLS NAT configurations). */
function ipUsers(record: ResourceRecord): IpUser[] {
  const key =
    record.type === 'Microsoft.Network/loadBalancers' ? 'frontendIPConfigurations' : 'ipConfigurations';
  const configs = (record.properties[key] as IpUser[] | undefined) ?? [];
  return configs.filter((c) => typeof c.properties?.subnet?.id === 'string');
}

function baseRecord(
  address: ResourceAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord {
  const id = existing?.id ?? address.id;
  return {
    ...(body.sku === undefined ? {} : { sku: body.sku }),
    id,
    name: address.name,
    type: address.type,
    location: normaliseLocation(String(body.location)),
    ...(body.tags === undefined ? {} : { tags: body.tags as Record<string, string> }),
    etag: newEtag(),
    properties: {
      ...withChildIds(id, address.type, (body.properties as Json | undefined) ?? {}),
      provisioningState: 'Succeeded',
      // Of the three, only LoadBalancerPropertiesFormat has a resourceGuid; the endpoint's and the service's
      // property sets have none.
      ...(address.type === 'Microsoft.Network/loadBalancers'
        ? { resourceGuid: (existing?.properties.resourceGuid as string | undefined) ?? randomUUID() }
        : {}),
    },
  };
}

function requireLocation(body: unknown): Reply | undefined {
  if (typeof body !== 'object' || body === null || typeof (body as Json).location !== 'string') {
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  return undefined;
}

/** The record of a load balancer or a Private Link Service: child ids, subnet addresses, a service's alias. */
function addressedRecord(
  context: ArmContext,
  address: ResourceAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const record = baseRecord(address, body, existing);
  const failed = allocateAddresses(context, record.id, ipUsers(record), existing ? ipUsers(existing) : []);
  if (failed !== undefined) return failed;
  if (address.type === 'Microsoft.Network/privateLinkServices') {
    const previousAlias = existing?.properties.alias as string | undefined;
    record.properties.alias =
      previousAlias ?? `${address.name}.${randomUUID()}.${record.location}.azure.privatelinkservice`;
    record.properties.privateEndpointConnections = existing?.properties.privateEndpointConnections ?? [];
  }
  return record;
}

/** PUT a load balancer or a Private Link Service. */
export function putAddressedResource(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const stored = inResourceMap(context, address.id);
  return servePut<Json, ResourceRecord>(exchange, context, {
    validate: requireLocation,
    find: stored.find,
    build: (body, existing) => addressedRecord(context, address, body, existing),
    save: (record, existing) => {
      relinkSubnets(context, existing ? ipUsers(existing) : [], ipUsers(record));
      return stored.save(record, existing);
    },
    operation: (record) => networkOperation(address, record.location!),
  });
}

/** Whether the service approves a connection from `subscriptionId` on its own. */
function autoApproves(service: ResourceRecord, subscriptionId: string): boolean {
  const subscriptions = (service.properties.autoApproval as { subscriptions?: string[] } | undefined)
    ?.subscriptions;
  return (subscriptions ?? []).some((s) => s === '*' || s.toLowerCase() === subscriptionId.toLowerCase());
}

/**
 * The record of a private endpoint, with its NIC `{customNetworkInterfaceName | pe.nic.guid}` (stored, with an
 * address from the subnet) and a connection on the Private Link Service, Approved when the service auto-approves
 * the subscription.
 */
function endpointRecord(
  context: ArmContext,
  address: ResourceAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const record = baseRecord(address, body, existing);
  const subnetId = (record.properties.subnet as { id?: string } | undefined)?.id ?? '';
  const connections = [
    ...((record.properties.privateLinkServiceConnections as Json[] | undefined) ?? []),
    ...((record.properties.manualPrivateLinkServiceConnections as Json[] | undefined) ?? []),
  ];
  for (const connection of connections) {
    const properties = connection.properties as Json;
    const serviceId = String(properties.privateLinkServiceId ?? '');
    const service = context.store.resources.get(serviceId.toLowerCase());
    if (service === undefined) {
      return armError(
        400,
        'PrivateLinkServiceNotFound',
        `Private link service ${serviceId} referenced by private endpoint ${record.id} was not found.`,
      );
    }
    const approved = autoApproves(service, address.subscriptionId);
    properties.privateLinkServiceConnectionState = {
      status: approved ? 'Approved' : 'Pending',
      description: approved ? 'Auto-Approved' : 'Awaiting approval',
      actionsRequired: 'None',
    };
    const current = (service.properties.privateEndpointConnections as Json[] | undefined) ?? [];
    const fromThis = (c: Json) =>
      ((c.properties as Json).privateEndpoint as { id: string }).id.toLowerCase() === record.id.toLowerCase();
    // One connection per endpoint, named `{endpoint}.{guid}` for as long as the endpoint exists.
    const connectionName =
      (current.find(fromThis)?.name as string | undefined) ?? `${address.name}.${randomUUID()}`;
    service.properties.privateEndpointConnections = [
      ...current.filter((c) => !fromThis(c)),
      {
        id: `${service.id}/privateEndpointConnections/${connectionName}`,
        name: connectionName,
        type: 'Microsoft.Network/privateLinkServices/privateEndpointConnections',
        properties: {
          privateEndpoint: { id: record.id },
          privateLinkServiceConnectionState: properties.privateLinkServiceConnectionState,
          provisioningState: 'Succeeded',
        },
      },
    ];
  }
  const previousNic = (existing?.properties.networkInterfaces as { id: string }[] | undefined)?.[0]?.id;
  const nicName =
    (record.properties.customNetworkInterfaceName as string | undefined) ||
    `${address.name}.nic.${randomUUID()}`;
  const nicId =
    previousNic ??
    `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
  const nic = endpointInterface(context, record, nicId, subnetId);
  if ('status' in nic || 'reset' in nic) return nic as Reply;
  record.properties.networkInterfaces = [{ id: nicId }];
  record.properties.customDnsConfigs = [];
  return record;
}

/** PUT a private endpoint. */
export function putPrivateEndpoint(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return servePut<Json, ResourceRecord>(exchange, context, {
    validate: requireLocation,
    ...inResourceMap(context, address.id),
    build: (body, existing) => endpointRecord(context, address, body, existing),
    operation: (record) => networkOperation(address, record.location!),
  });
}

function endpointInterface(
  context: ArmContext,
  endpoint: ResourceRecord,
  nicId: string,
  subnetId: string,
): ResourceRecord | Reply {
  const existing = context.store.resources.get(nicId.toLowerCase());
  const config: IpUser = {
    id: `${nicId}/ipConfigurations/privateEndpointIpConfig.${randomUUID()}`,
    properties: { subnet: { id: subnetId }, privateIPAllocationMethod: 'Dynamic', primary: true },
  };
  const previous = existing ? ipUsers(existing) : [];
  if (previous[0] !== undefined) config.id = previous[0].id;
  const failed = allocateAddresses(context, nicId, [config], previous);
  if (failed !== undefined) return failed;
  const nic: ResourceRecord = {
    id: nicId,
    name: nicId.split('/').pop()!,
    type: 'Microsoft.Network/networkInterfaces',
    location: endpoint.location,
    etag: newEtag(),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: (existing?.properties.resourceGuid as string | undefined) ?? randomUUID(),
      ipConfigurations: [
        {
          id: config.id,
          name: config.id.split('/').pop(),
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          etag: newEtag(),
          properties: {
            ...config.properties,
            privateIPAddressVersion: 'IPv4',
            provisioningState: 'Succeeded',
          },
        },
      ],
      privateEndpoint: { id: endpoint.id },
      nicType: 'Standard',
      enableIPForwarding: false,
      enableAcceleratedNetworking: false,
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
    },
  };
  relinkSubnets(context, previous, ipUsers(nic));
  context.store.resources.set(nicId.toLowerCase(), nic);
  return nic;
}

/** DELETE a load balancer, Private Link Service or private endpoint (with its NIC), releasing addresses. */
export function deleteAddressedResource(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const remove = (record: ResourceRecord) => {
    relinkSubnets(context, ipUsers(record), []);
    for (const nic of (record.properties.networkInterfaces as { id: string }[] | undefined) ?? []) {
      const nicRecord = context.store.resources.get(nic.id.toLowerCase());
      if (nicRecord !== undefined) relinkSubnets(context, ipUsers(nicRecord), []);
      context.store.resources.delete(nic.id.toLowerCase());
    }
    context.store.resources.delete(address.id.toLowerCase());
  };
  return serveNetworkDelete(exchange, context, address, { remove });
}
