import type { ArmContext } from '../../arm/arm-provider.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { refId, subnetsReferencing } from './network-resource-record.js';
import { gatewaysUsing } from './public-ip-addresses.js';

type Json = Record<string, unknown>;
type IpConfiguration = { id: string; properties: Json };

/** Every NIC ipConfiguration in the store that names `poolId` among its loadBalancerBackendAddressPools. */
export function poolMembers(context: ArmContext, poolId: string): { id: string }[] {
  const wanted = poolId.toLowerCase();
  const members: { id: string }[] = [];
  for (const record of context.store.resources.values()) {
    if (record.type !== 'Microsoft.Network/networkInterfaces') continue;
    for (const config of (record.properties.ipConfigurations as IpConfiguration[] | undefined) ?? []) {
      const pools = (config.properties.loadBalancerBackendAddressPools as unknown[] | undefined) ?? [];
      if (pools.some((p) => refId(p).toLowerCase() === wanted)) members.push({ id: config.id });
    }
  }
  return members;
}

function withList(properties: Json, key: string, values: { id: string }[]): void {
  if (values.length > 0) properties[key] = values;
  else delete properties[key];
}

/**
 * A Network record as GET answers it, with the back-references Azure keeps on the referenced side computed from
 * the referencing side (so a re-PUT of either cannot leave them stale): the subnets of a NAT gateway or NSG, the
 * NAT gateway of a public IP, and the NIC ipConfigurations in each load balancer pool (backendIPConfigurations).
 */
export function presentNetworkRecord(context: ArmContext, record: ResourceRecord): ResourceRecord {
  const shown = structuredClone(record);
  const properties = shown.properties;
  switch (record.type) {
    case 'Microsoft.Network/natGateways':
      withList(properties, 'subnets', subnetsReferencing(context, 'natGateway', record.id));
      break;
    case 'Microsoft.Network/networkSecurityGroups':
      withList(properties, 'subnets', subnetsReferencing(context, 'networkSecurityGroup', record.id));
      break;
    case 'Microsoft.Network/publicIPAddresses': {
      const gateway = gatewaysUsing(context, record.id)[0];
      if (gateway !== undefined) properties.natGateway = { id: gateway };
      else delete properties.natGateway;
      break;
    }
    case 'Microsoft.Network/loadBalancers':
      for (const pool of (properties.backendAddressPools as IpConfiguration[] | undefined) ?? [])
        withList(pool.properties, 'backendIPConfigurations', poolMembers(context, pool.id));
      break;
  }
  return shown;
}

/**
 * When a resource group is deleted: what resources in other groups keep of the deleted group's resources, as the
 * Network provider drops it when ARM deletes them (a subnet's `ipConfigurations` entries of the group's NICs, a
 * Private Link Service's connections from the group's private endpoints).
 */
export function forgetReferencesInto(context: ArmContext, groupId: string): void {
  const inGroup = (id: unknown) =>
    typeof id === 'string' && id.toLowerCase().startsWith(groupId.toLowerCase() + '/');
  for (const resource of context.store.resources.values()) {
    const properties = resource.properties as {
      subnets?: { properties?: { ipConfigurations?: { id: string }[] } }[];
      privateEndpointConnections?: { properties?: { privateEndpoint?: { id?: string } } }[];
    };
    for (const subnet of properties.subnets ?? []) {
      const uses = subnet.properties?.ipConfigurations;
      if (!uses) continue;
      const kept = uses.filter((use) => !inGroup(use.id));
      if (kept.length > 0) subnet.properties!.ipConfigurations = kept;
      else delete subnet.properties!.ipConfigurations;
    }
    if (properties.privateEndpointConnections)
      properties.privateEndpointConnections = properties.privateEndpointConnections.filter(
        (connection) => !inGroup(connection.properties?.privateEndpoint?.id),
      );
  }
}
