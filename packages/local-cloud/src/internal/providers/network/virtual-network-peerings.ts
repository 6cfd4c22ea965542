import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { parsePrefixes } from './subnet-prefixes.js';
import { prefixesOverlap } from '../../subnet-addressing/ipv4-prefix.js';
import { newEtag, type VirtualNetworkRecord } from '../../subnet-addressing/network-records.js';
import { validateNetworkBody } from './network-schemas.js';
import { servePut } from '../../arm/resource-put.js';
import { serveDelete } from '../../arm/resource-delete.js';
import { networkOperation } from './network-operation.js';
import { missingReference, refId } from './network-resource-record.js';
import { findVirtualNetwork } from '../../subnet-addressing/subnet-users.js';

type Json = Record<string, unknown>;
type Peering = { id: string; name: string; properties: Json };

/** Where a peering lives: its virtual network and its own name. */
export interface PeeringAddress {
  subscriptionId: string;
  resourceGroup: string;
  vnetId: string;
  vnetName: string;
  name: string;
}

function peeringsOf(vnet: VirtualNetworkRecord): Peering[] {
  return (vnet.properties.virtualNetworkPeerings as Peering[] | undefined) ?? [];
}

function vnetNotFound(address: PeeringAddress): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.Network/virtualNetworks/${address.vnetName}' under resource group '${address.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** The peering of `from` whose remote is `to`, if any. */
function peeringTowards(from: VirtualNetworkRecord, to: string): Peering | undefined {
  return peeringsOf(from).find(
    (p) => refId(p.properties.remoteVirtualNetwork).toLowerCase() === to.toLowerCase(),
  );
}

function overlapProblem(local: VirtualNetworkRecord, remote: VirtualNetworkRecord): Reply | undefined {
  const ours = parsePrefixes(local.properties.addressSpace.addressPrefixes, local.id);
  const theirs = parsePrefixes(remote.properties.addressSpace.addressPrefixes, remote.id);
  if (!Array.isArray(ours) || !Array.isArray(theirs)) return undefined;
  if (!ours.some((a) => theirs.some((b) => prefixesOverlap(a, b)))) return undefined;
  return armError(
    400,
    'VnetAddressSpacesOverlap',
    `Cannot create or update peering ${local.id}/virtualNetworkPeerings. Virtual networks ${local.id} and ${remote.id} cannot be peered because their address spaces overlap.`,
  );
}

/** The record of a peering: its remote must exist and not overlap; `Connected` when the remote peers back. */
function peeringRecord(
  context: ArmContext,
  vnet: VirtualNetworkRecord,
  address: PeeringAddress,
  body: { properties?: Json },
  existing: Peering | undefined,
): (Peering & Json) | Reply {
  const remoteId = refId(body.properties?.remoteVirtualNetwork);
  const id = `${vnet.id}/virtualNetworkPeerings/${address.name}`;
  const remote = findVirtualNetwork(context, remoteId);
  if (remote?.type !== 'Microsoft.Network/virtualNetworks')
    return missingReference(remoteId || '(no remoteVirtualNetwork.id)', id);
  const overlap = overlapProblem(vnet, remote);
  if (overlap !== undefined) return overlap;
  const space = { addressPrefixes: [...remote.properties.addressSpace.addressPrefixes] };
  return {
    id: existing?.id ?? id,
    name: existing?.name ?? address.name,
    type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    etag: newEtag(),
    properties: {
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
      doNotVerifyRemoteGateways: false,
      ...body.properties,
      remoteVirtualNetwork: { id: remote.id },
      remoteAddressSpace: space,
      remoteVirtualNetworkAddressSpace: space,
      peeringState: peeringTowards(remote, vnet.id) === undefined ? 'Initiated' : 'Connected',
      peeringSyncLevel: 'FullyInSync',
      provisioningState: 'Succeeded',
      resourceGuid: (existing?.properties.resourceGuid as string | undefined) ?? randomUUID(),
    },
  };
}

/**
 * PUT a peering (kept inline in its virtual network's `virtualNetworkPeerings`, where the fabric reads it):
 * `Initiated` until the remote network peers back, then both sides `Connected`.
 */
export function putPeering(exchange: Exchange, context: ArmContext, address: PeeringAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  return servePut<{ properties?: Json }, Peering>(exchange, context, {
    validate: (raw) => validateNetworkBody('virtualNetworkPeering', raw),
    find: () => peeringsOf(vnet).find((p) => p.name.toLowerCase() === address.name.toLowerCase()),
    build: (body, existing) => peeringRecord(context, vnet, address, body, existing),
    save: (record, existing) => {
      const remote = findVirtualNetwork(context, refId(record.properties.remoteVirtualNetwork))!;
      const back = peeringTowards(remote, vnet.id);
      if (back !== undefined) back.properties.peeringState = 'Connected';
      vnet.properties.virtualNetworkPeerings = [...peeringsOf(vnet).filter((p) => p !== existing), record];
      return undefined;
    },
    operation: () => networkOperation(address, vnet.location),
  });
}

/** GET one peering, or the list of a virtual network's peerings. */
export function getPeerings(context: ArmContext, address: PeeringAddress, one: boolean): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  if (!one) return json(200, { value: peeringsOf(vnet) });
  const peering = peeringsOf(vnet).find((p) => p.name.toLowerCase() === address.name.toLowerCase());
  return peering === undefined
    ? armError(404, 'NotFound', `Resource ${vnet.id}/virtualNetworkPeerings/${address.name} not found.`)
    : json(200, peering);
}

/** DELETE a peering: the remote side's peering back turns `Disconnected`, as in Azure. */
export function deletePeering(exchange: Exchange, context: ArmContext, address: PeeringAddress): Reply {
  const vnet = findVirtualNetwork(context, address.vnetId);
  if (vnet === undefined) return vnetNotFound(address);
  const remove = (peering: Peering) => () => {
    vnet.properties.virtualNetworkPeerings = peeringsOf(vnet).filter((p) => p !== peering);
    const remote = findVirtualNetwork(context, refId(peering.properties.remoteVirtualNetwork));
    const back = remote === undefined ? undefined : peeringTowards(remote, vnet.id);
    if (back !== undefined) back.properties.peeringState = 'Disconnected';
  };
  return serveDelete<Peering>(exchange, context, {
    find: () => peeringsOf(vnet).find((p) => p.name.toLowerCase() === address.name.toLowerCase()),
    operation: (peering) => networkOperation(address, vnet.location, remove(peering)),
  });
}
