import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { parseIpv4 } from '../../subnet-addressing/ipv4-prefix.js';
import { dnsEtag, preconditionFailure } from './dns-etags.js';
import { zoneId, type ZoneAddress } from './zone-address.js';

type Json = Record<string, unknown>;
type RecordAddress = ZoneAddress & { child: string; name: string };

/** The property holding each record type's records. */
const recordProperty: Record<string, string> = {
  A: 'aRecords',
  AAAA: 'aaaaRecords',
  CNAME: 'cnameRecord',
  MX: 'mxRecords',
  PTR: 'ptrRecords',
  SOA: 'soaRecord',
  SRV: 'srvRecords',
  TXT: 'txtRecords',
};

function recordSetId(zone: string, type: string, name: string): string {
  return `${zone}/${type}/${name}`;
}

function fqdn(zone: string, name: string): string {
  return name === '@' ? `${zone}.` : `${name}.${zone}.`;
}

/** The SOA record set a zone gets when it is created, with the values the service gives it. */
export function soaRecordSet(zone: string, zoneName: string): ResourceRecord {
  return {
    id: recordSetId(zone, 'SOA', '@'),
    name: '@',
    type: 'Microsoft.Network/privateDnsZones/SOA',
    etag: dnsEtag(),
    properties: {
      ttl: 3600,
      fqdn: `${zoneName}.`,
      isAutoRegistered: false,
      soaRecord: {
        email: 'azureprivatedns-host.microsoft.com',
        expireTime: 2419200,
        host: 'azureprivatedns.net',
        minimumTtl: 10,
        refreshTime: 3600,
        retryTime: 300,
        serialNumber: 1,
      },
    },
  };
}

function zoneMissing(context: ArmContext, address: ZoneAddress): Reply | undefined {
  if (context.store.resources.has(zoneId(address).toLowerCase())) return undefined;
  return armError(
    404,
    'ParentResourceNotFound',
    `Can not perform requested operation on nested resource. Parent resource '${address.zone}' not found.`,
  );
}

/** Checks the records of a set: A records need IPv4 addresses, a TTL is a whole number of seconds. */
function invalidRecords(type: string, properties: Json): Reply | undefined {
  if (properties.ttl !== undefined && (!Number.isInteger(properties.ttl) || (properties.ttl as number) < 0)) {
    return armError(
      400,
      'BadRequest',
      `The TTL '${String(properties.ttl)}' is not valid: use a whole number of seconds.`,
    );
  }
  if (type === 'A') {
    for (const record of (properties.aRecords as { ipv4Address?: string }[] | undefined) ?? []) {
      if (parseIpv4(record.ipv4Address ?? '') === undefined) {
        return armError(
          400,
          'BadRequest',
          `The A record '${String(record.ipv4Address)}' is not a valid IPv4 address.`,
        );
      }
    }
  }
  return undefined;
}

/** The record set's record, or the reply that refuses the write (a precondition, a PATCH of a missing set). */
function recordSetRecord(
  exchange: Exchange,
  address: RecordAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const name = address.name.toLowerCase();
  const failed = preconditionFailure(exchange, existing, `record set ${name}`);
  if (failed !== undefined) return failed;
  if (exchange.method === 'PATCH' && existing === undefined) {
    return armError(404, 'NotFound', `The record set ${name} of type ${address.child} does not exist.`);
  }
  const given = (body.properties ?? {}) as Json;
  const invalid = invalidRecords(address.child, given);
  if (invalid !== undefined) return invalid;
  const base = exchange.method === 'PATCH' ? (existing?.properties ?? {}) : {};
  const property = recordProperty[address.child]!;
  const record: ResourceRecord = {
    id: recordSetId(zoneId(address), address.child, name),
    name,
    type: `Microsoft.Network/privateDnsZones/${address.child}`,
    etag: dnsEtag(),
    properties: {
      ...base,
      ...(given.metadata !== undefined ? { metadata: given.metadata } : {}),
      ttl: (given.ttl as number | undefined) ?? (base.ttl as number | undefined) ?? 3600,
      fqdn: fqdn(address.zone, name),
      isAutoRegistered: false,
      ...(given[property] !== undefined ? { [property]: given[property] } : {}),
    },
  };
  if (record.properties[property] === undefined && property.endsWith('s')) record.properties[property] = [];
  return record;
}

/** PUT (replace) or PATCH (merge) a record set, synchronously, honouring `If-Match` and `If-None-Match`. */
export function putRecordSet(exchange: Exchange, context: ArmContext, address: RecordAddress): Reply {
  const missing = zoneMissing(context, address);
  if (missing !== undefined) return missing;
  const id = recordSetId(zoneId(address), address.child, address.name.toLowerCase());
  return servePut<Json | undefined, ResourceRecord>(exchange, context, {
    ...inResourceMap(context, id),
    build: (body, existing) => recordSetRecord(exchange, address, body ?? {}, existing),
  });
}

/** GET a record set. */
export function getRecordSet(context: ArmContext, address: RecordAddress): Reply {
  const missing = zoneMissing(context, address);
  if (missing !== undefined) return missing;
  const record = context.store.resources.get(
    recordSetId(zoneId(address), address.child, address.name.toLowerCase()).toLowerCase(),
  );
  if (record === undefined) {
    return armError(
      404,
      'NotFound',
      `The resource record '${address.name.toLowerCase()}' does not exist in resource group '${address.resourceGroup}' of subscription '${address.subscriptionId}'.`,
    );
  }
  return json(200, record);
}

/** DELETE a record set: 200 when removed, 204 when absent; `If-Match` honoured; the apex SOA stays. */
export function deleteRecordSet(exchange: Exchange, context: ArmContext, address: RecordAddress): Reply {
  if (address.child === 'SOA')
    return armError(400, 'BadRequest', 'The SOA record set of a zone cannot be deleted.');
  const id = recordSetId(zoneId(address), address.child, address.name.toLowerCase());
  const existing = context.store.resources.get(id.toLowerCase());
  if (existing === undefined) return { status: 204 };
  const failed = preconditionFailure(exchange, existing, `record set ${address.name.toLowerCase()}`);
  if (failed !== undefined) return failed;
  context.store.resources.delete(id.toLowerCase());
  return { status: 200 };
}

/** GET the record sets of a zone, of one type or all (`…/ALL`, `…/recordsets`). */
export function listRecordSets(context: ArmContext, address: ZoneAddress, type: string | undefined): Reply {
  const missing = zoneMissing(context, address);
  if (missing !== undefined) return missing;
  const value = context.store
    .resourcesUnder(zoneId(address))
    .filter(
      (r) =>
        r.type.startsWith('Microsoft.Network/privateDnsZones/') && !r.type.endsWith('virtualNetworkLinks'),
    )
    .filter((r) => type === undefined || r.type === `Microsoft.Network/privateDnsZones/${type}`);
  return json(200, { value });
}
