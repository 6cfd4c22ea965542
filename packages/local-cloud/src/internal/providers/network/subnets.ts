import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { validateNetworkBody } from './network-schemas.js';
import { servePut } from '../../arm/resource-put.js';
import {
  newEtag,
  type SubnetRecord,
  type VirtualNetworkRecord,
} from '../../subnet-addressing/network-records.js';
import { findVirtualNetwork, subnetPrefixTexts } from '../../subnet-addressing/subnet-users.js';
import { serveDelete } from '../../arm/resource-delete.js';
import { networkOperation } from './network-operation.js';
import { checkSubnetReferences } from './network-resource-record.js';
import { checkSubnetPrefixes, parsePrefixes, subnetInUse } from './subnet-prefixes.js';
import { markSucceeded, subnetRecord } from './virtual-networks.js';

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

type SubnetRequest = { properties?: Record<string, unknown> };

/** The subnet's record, checked against its references, the address space and its siblings. */
function checkedSubnet(
  context: ArmContext,
  vnet: VirtualNetworkRecord,
  address: SubnetAddress,
  request: SubnetRequest,
  existing: SubnetRecord | undefined,
): SubnetRecord | Reply {
  const missing = checkSubnetReferences(context, `${vnet.id}/subnets/${address.name}`, request.properties);
  if (missing !== undefined) return missing;
  const space = parsePrefixes(vnet.properties.addressSpace.addressPrefixes, vnet.id);
  if (!Array.isArray(space)) return space;
  const siblings = vnet.properties.subnets.filter((s) => s !== existing);
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
  return subnetRecord(vnet.id, existing?.name ?? address.name, request, existing);
}

/** PUT a subnet (kept inline in its virtual network): Updating until its operation ends. */
export function putSubnet(exchange: Exchange, context: ArmContext, address: SubnetAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  const subnets = vnet.properties.subnets;
  return servePut<SubnetRequest, SubnetRecord>(exchange, context, {
    validate: (raw) => validateNetworkBody('subnet', raw),
    find: () => subnets.find((s) => s.name.toLowerCase() === address.name.toLowerCase()),
    build: (request, existing) => checkedSubnet(context, vnet, address, request, existing),
    save: (record, existing) => {
      if (existing === undefined) subnets.push(record);
      else subnets[subnets.indexOf(existing)] = record;
      vnet.etag = newEtag();
      return undefined;
    },
    operation: () => networkOperation(address, vnet.location, () => markSucceeded(vnet)),
  });
}

/** DELETE a subnet: InUseSubnetCannotBeDeleted while IP configurations use it, else 202 with polling headers. */
export function deleteSubnet(exchange: Exchange, context: ArmContext, address: SubnetAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  const remove = (subnet: SubnetRecord) => () => {
    vnet.properties.subnets = vnet.properties.subnets.filter((s) => s !== subnet);
    vnet.etag = newEtag();
  };
  return serveDelete<SubnetRecord>(exchange, context, {
    find: () => vnet.properties.subnets.find((s) => s.name.toLowerCase() === address.name.toLowerCase()),
    refuse: subnetInUse,
    marksDeleting: true,
    operation: (subnet) => networkOperation(address, vnet.location, remove(subnet)),
  });
}
