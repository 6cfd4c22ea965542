import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { dnsEtag, preconditionFailure } from './dns-etags.js';
import { zoneId, type ZoneAddress } from './zone-address.js';
import { servePut } from '../../arm/resource-put.js';
import { serveDelete } from '../../arm/resource-delete.js';
import { dnsOperation } from './dns-operation.js';
import { soaRecordSet } from './record-sets.js';

type Json = Record<string, unknown>;

function linkId(address: ZoneAddress): string {
  return `${zoneId(address)}/virtualNetworkLinks/${address.name}`;
}

function notFound(kind: string, name: string, group: string): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.Network/${kind}/${name}' under resource group '${group}' was not found.`,
  );
}

/** The zone with the counters the service computes. */
function zoneView(context: ArmContext, zone: ResourceRecord): ResourceRecord {
  const children = context.store.resourcesUnder(zone.id);
  const links = children.filter((c) => c.type === 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
  return {
    ...structuredClone(zone),
    properties: {
      ...zone.properties,
      maxNumberOfRecordSets: 25000,
      maxNumberOfVirtualNetworkLinks: 1000,
      maxNumberOfVirtualNetworkLinksWithRegistration: 100,
      numberOfRecordSets: children.length - links.length,
      numberOfVirtualNetworkLinks: links.length,
      numberOfVirtualNetworkLinksWithRegistration: links.filter(
        (l) => l.properties.registrationEnabled === true,
      ).length,
    },
  };
}

/** The zone's record, or the reply that refuses the write (a failed precondition, a PATCH of a missing zone). */
function zoneRecord(
  exchange: Exchange,
  address: ZoneAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const failed = preconditionFailure(exchange, existing, `zone ${address.zone}`);
  if (failed !== undefined) return failed;
  if (exchange.method === 'PATCH' && existing === undefined)
    return notFound('privateDnsZones', address.zone, address.resourceGroup);
  return {
    id: zoneId(address),
    name: address.zone,
    type: 'Microsoft.Network/privateDnsZones',
    etag: dnsEtag(),
    location: 'global',
    ...(body.tags !== undefined
      ? { tags: body.tags as Record<string, string> }
      : existing?.tags
        ? { tags: existing.tags }
        : {}),
    properties: {
      internalId:
        (existing?.properties.internalId as string | undefined) ??
        Buffer.from(randomUUID()).toString('base64'),
      provisioningState: 'Succeeded',
    },
  };
}

/** PUT or PATCH a zone: long-running; the zone (with its SOA record set when created) appears when it completes. */
export function putZone(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const store = context.store.resources;
  const stored = (record: ResourceRecord) => () => {
    store.set(record.id.toLowerCase(), record);
    const soa = soaRecordSet(record.id, address.zone);
    if (!store.has(soa.id.toLowerCase())) store.set(soa.id.toLowerCase(), soa);
  };
  return servePut<Json | undefined, ResourceRecord>(exchange, context, {
    find: () => store.get(zoneId(address).toLowerCase()),
    build: (body, existing) => zoneRecord(exchange, address, body ?? {}, existing),
    save: () => undefined,
    operation: (record) => dnsOperation(address, stored(record), () => zoneView(context, record)),
  });
}

/** DELETE a zone with everything in it; long-running. */
export function deleteZone(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const id = zoneId(address);
  const remove = () => {
    for (const child of context.store.resourcesUnder(id))
      context.store.resources.delete(child.id.toLowerCase());
    context.store.resources.delete(id.toLowerCase());
  };
  return serveDelete<ResourceRecord>(exchange, context, {
    find: () => context.store.resources.get(id.toLowerCase()),
    refuse: (zone) => preconditionFailure(exchange, zone, `zone ${address.zone}`),
    operation: () => dnsOperation(address, remove),
  });
}

/** GET a zone or a virtual network link. */
export function getZoneChild(context: ArmContext, address: ZoneAddress): Reply {
  const zone = context.store.resources.get(zoneId(address).toLowerCase());
  if (zone === undefined) return notFound('privateDnsZones', address.zone, address.resourceGroup);
  if (address.child === undefined) return json(200, zoneView(context, zone));
  const link = context.store.resources.get(linkId(address).toLowerCase());
  if (link === undefined)
    return notFound(
      `privateDnsZones/${address.zone}/virtualNetworkLinks`,
      address.name ?? '',
      address.resourceGroup,
    );
  return json(200, link);
}

/** GET the virtual network links of a zone. */
export function listZoneChildren(context: ArmContext, address: ZoneAddress): Reply {
  const zone = context.store.resources.get(zoneId(address).toLowerCase());
  if (zone === undefined) return notFound('privateDnsZones', address.zone, address.resourceGroup);
  const value = context.store
    .resourcesUnder(zone.id)
    .filter((r) => r.type === 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
  return json(200, { value });
}

/** The link's record: its virtual network must exist (an update may leave out the properties it keeps). */
function linkRecord(
  context: ArmContext,
  exchange: Exchange,
  address: ZoneAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const failed = preconditionFailure(exchange, existing, `virtual network link ${address.name}`);
  if (failed !== undefined) return failed;
  const properties = (body.properties ?? existing?.properties ?? {}) as Json;
  const vnetId = (properties.virtualNetwork as { id?: string } | undefined)?.id ?? '';
  if (!context.store.resources.has(vnetId.toLowerCase())) {
    return armError(
      400,
      'BadRequest',
      `The virtual network ${vnetId || '(none given)'} of link ${address.name} does not exist: create it first.`,
    );
  }
  return {
    id: linkId(address),
    name: address.name ?? '',
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    etag: dnsEtag(),
    location: 'global',
    ...(body.tags !== undefined ? { tags: body.tags as Record<string, string> } : {}),
    properties: {
      virtualNetwork: { id: vnetId },
      registrationEnabled: properties.registrationEnabled === true,
      ...(properties.resolutionPolicy ? { resolutionPolicy: properties.resolutionPolicy } : {}),
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    },
  };
}

/** PUT a virtual network link: long-running; the link appears when it completes. */
export function putZoneChild(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const zone = context.store.resources.get(zoneId(address).toLowerCase());
  if (zone === undefined) return notFound('privateDnsZones', address.zone, address.resourceGroup);
  const store = context.store.resources;
  return servePut<Json | undefined, ResourceRecord>(exchange, context, {
    find: () => store.get(linkId(address).toLowerCase()),
    build: (body, existing) => linkRecord(context, exchange, address, body ?? {}, existing),
    save: () => undefined,
    operation: (record) =>
      dnsOperation(
        address,
        () => void store.set(record.id.toLowerCase(), record),
        () => record,
      ),
  });
}

/** DELETE a virtual network link; long-running. */
export function deleteZoneChild(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const key = linkId(address).toLowerCase();
  return serveDelete<ResourceRecord>(exchange, context, {
    find: () => context.store.resources.get(key),
    operation: () => dnsOperation(address, () => context.store.resources.delete(key)),
  });
}
