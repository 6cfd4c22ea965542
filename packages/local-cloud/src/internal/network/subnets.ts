import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';
import { validateNetworkBody } from './network-schemas.js';
import { startNetworkOperation } from './network-operation.js';
import { newEtag } from './network-records.js';
import { checkSubnetReferences } from './network-resource-record.js';
import { checkSubnetPrefixes, parsePrefixes, subnetInUse, subnetPrefixTexts } from './subnet-prefixes.js';
import { findVirtualNetwork, markSucceeded, subnetRecord } from './virtual-networks.js';

/** Where a subnet lives: its virtual network's id and its own name. */
export interface SubnetAddress {
  subscriptionId: string;
  resourceGroup: string;
  vnetId: string;
  vnetName: string;
  name: string;
}

function vnetNotFound(address: SubnetAddress): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.Network/virtualNetworks/${address.vnetName}' under resource group '${address.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function subnetNotFound(address: SubnetAddress): Reply {
  return armError(404, 'NotFound', `Resource ${address.vnetId}/subnets/${address.name} not found.`);
}

/** GET one subnet. */
export function getSubnet(context: ArmContext, address: SubnetAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  const subnet = vnet.properties.subnets.find((s) => s.name.toLowerCase() === address.name.toLowerCase());
  return subnet === undefined ? subnetNotFound(address) : json(200, subnet);
}

/** GET the subnets of a virtual network. */
export function listSubnets(context: ArmContext, address: Omit<SubnetAddress, 'name'>): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound({ ...address, name: '' });
  return json(200, { value: vnet.properties.subnets });
}

/** PUT a subnet: checked against the address space and its siblings, then Updating until its operation ends. */
export function putSubnet(exchange: Exchange, context: ArmContext, address: SubnetAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  const body = jsonBody(exchange);
  const invalid = validateNetworkBody('subnet', body);
  if (invalid !== undefined) return invalid;
  const request = body as { properties?: Record<string, unknown> };
  const missing = checkSubnetReferences(context, `${vnet.id}/subnets/${address.name}`, request.properties);
  if (missing !== undefined) return missing;
  const space = parsePrefixes(vnet.properties.addressSpace.addressPrefixes, vnet.id);
  if (!Array.isArray(space)) return space;
  const index = vnet.properties.subnets.findIndex((s) => s.name.toLowerCase() === address.name.toLowerCase());
  const existing = vnet.properties.subnets[index];
  const siblings = vnet.properties.subnets.filter((_, i) => i !== index);
  const prefixes = subnetPrefixTexts(request);
  const problem = checkSubnetPrefixes(
    { id: vnet.id, name: vnet.name, space },
    { name: address.name, prefixes },
    siblings,
  );
  if (problem !== undefined) return problem;
  if (
    existing !== undefined &&
    subnetInUse(existing) &&
    subnetPrefixTexts(existing).join() !== prefixes.join()
  ) {
    return armError(
      400,
      'InUseSubnetCannotBeUpdated',
      `Subnet ${existing.name} is in use and its address prefix cannot be changed. Remove the resources in it first.`,
    );
  }
  const record = subnetRecord(vnet.id, existing?.name ?? address.name, request, existing);
  if (existing === undefined) vnet.properties.subnets.push(record);
  else vnet.properties.subnets[index] = record;
  vnet.etag = newEtag();
  const headers = startNetworkOperation(exchange, context, address.subscriptionId, vnet.location, () =>
    markSucceeded(vnet),
  );
  return json(existing === undefined ? 201 : 200, structuredClone(record), headers);
}

/** DELETE a subnet: InUseSubnetCannotBeDeleted while IP configurations use it, else 202 with polling headers. */
export function deleteSubnet(exchange: Exchange, context: ArmContext, address: SubnetAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  const subnet = vnet.properties.subnets.find((s) => s.name.toLowerCase() === address.name.toLowerCase());
  if (subnet === undefined) return { status: 204 };
  const inUse = subnetInUse(subnet);
  if (inUse !== undefined) return inUse;
  subnet.properties.provisioningState = 'Deleting';
  const remove = () => {
    vnet.properties.subnets = vnet.properties.subnets.filter((s) => s !== subnet);
    vnet.etag = newEtag();
  };
  return {
    status: 202,
    headers: startNetworkOperation(exchange, context, address.subscriptionId, vnet.location, remove, true),
  };
}
