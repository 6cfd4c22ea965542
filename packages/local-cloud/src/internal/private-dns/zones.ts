import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';
import type { ResourceRecord } from '../arm/resource-store.js';
import type { ZoneAddress } from './private-dns-router.js';
import { acceptDnsOperation } from './dns-operation.js';
import { soaRecordSet } from './record-sets.js';

type Json = Record<string, unknown>;

/** The id of a zone (its name lower-cased, as the service returns it). */
export function zoneId(address: Pick<ZoneAddress, 'subscriptionId' | 'resourceGroup' | 'zone'>): string {
  return `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/Microsoft.Network/privateDnsZones/${address.zone}`;
}

function linkId(address: ZoneAddress): string {
  return `${zoneId(address)}/virtualNetworkLinks/${address.name}`;
}

/** A new etag, as the DNS service writes them (a GUID without quotes). */
export function dnsEtag(): string {
  return randomUUID();
}

function notFound(kind: string, name: string, group: string): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.Network/${kind}/${name}' under resource group '${group}' was not found.`,
  );
}

/** The etag preconditions of a write: `If-None-Match: *` needs absence, `If-Match` the current etag. */
export function preconditionFailure(
  exchange: Exchange,
  existing: Record<string, unknown> | undefined,
  what: string,
): Reply | undefined {
  const ifNoneMatch = exchange.headers['if-none-match'];
  const ifMatch = exchange.headers['if-match'];
  if (ifNoneMatch === '*' && existing !== undefined) {
    return armError(412, 'PreconditionFailed', `The ${what} already exists.`);
  }
  if (
    typeof ifMatch === 'string' &&
    ifMatch !== '*' &&
    ifMatch.replaceAll('"', '') !== String(existing?.etag ?? '')
  ) {
    return armError(412, 'PreconditionFailed', `The ${what} has been modified (etag mismatch).`);
  }
  if (ifMatch === '*' && existing === undefined) {
    return armError(412, 'PreconditionFailed', `The ${what} does not exist.`);
  }
  return undefined;
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

/** PUT or PATCH a zone: long-running; the zone gets its SOA record set when created. */
export function putZone(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const id = zoneId(address);
  const existing = context.store.resources.get(id.toLowerCase());
  const failed = preconditionFailure(exchange, existing, `zone ${address.zone}`);
  if (failed !== undefined) return failed;
  const body = (jsonBody(exchange) ?? {}) as Json;
  if (exchange.method === 'PATCH' && existing === undefined)
    return notFound('privateDnsZones', address.zone, address.resourceGroup);
  const record: ResourceRecord = {
    id,
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
  return acceptDnsOperation(
    exchange,
    context,
    address,
    () => {
      context.store.resources.set(id.toLowerCase(), record);
      const soa = soaRecordSet(id, address.zone);
      if (!context.store.resources.has(soa.id.toLowerCase()))
        context.store.resources.set(soa.id.toLowerCase(), soa);
    },
    () => zoneView(context, record),
  );
}

/** DELETE a zone with everything in it; long-running. */
export function deleteZone(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const id = zoneId(address);
  const existing = context.store.resources.get(id.toLowerCase());
  if (existing === undefined) return { status: 204 };
  const failed = preconditionFailure(exchange, existing, `zone ${address.zone}`);
  if (failed !== undefined) return failed;
  return acceptDnsOperation(exchange, context, address, () => {
    for (const child of context.store.resourcesUnder(id))
      context.store.resources.delete(child.id.toLowerCase());
    context.store.resources.delete(id.toLowerCase());
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

/** PUT a virtual network link: the VNet must exist; long-running. */
export function putZoneChild(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const zone = context.store.resources.get(zoneId(address).toLowerCase());
  if (zone === undefined) return notFound('privateDnsZones', address.zone, address.resourceGroup);
  const id = linkId(address);
  const existing = context.store.resources.get(id.toLowerCase());
  const failed = preconditionFailure(exchange, existing, `virtual network link ${address.name}`);
  if (failed !== undefined) return failed;
  const body = (jsonBody(exchange) ?? {}) as Json;
  const properties = (body.properties ?? existing?.properties ?? {}) as Json;
  const vnetId = (properties.virtualNetwork as { id?: string } | undefined)?.id ?? '';
  if (!context.store.resources.has(vnetId.toLowerCase())) {
    return armError(
      400,
      'BadRequest',
      `The virtual network ${vnetId || '(none given)'} of link ${address.name} does not exist: create it first.`,
    );
  }
  const record: ResourceRecord = {
    id,
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
  return acceptDnsOperation(
    exchange,
    context,
    address,
    () => context.store.resources.set(id.toLowerCase(), record),
    () => record,
  );
}

/** DELETE a virtual network link; long-running. */
export function deleteZoneChild(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const id = linkId(address);
  if (!context.store.resources.has(id.toLowerCase())) return { status: 204 };
  return acceptDnsOperation(exchange, context, address, () =>
    context.store.resources.delete(id.toLowerCase()),
  );
}
