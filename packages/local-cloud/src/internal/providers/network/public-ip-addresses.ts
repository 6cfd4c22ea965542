import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { formatIpv4, parseIpv4 } from '../../subnet-addressing/ipv4-prefix.js';
import { validateNetworkBody } from './network-schemas.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { networkOperation, serveNetworkDelete } from './network-operation.js';
import { invalidTopLevelBody, networkRecord, refId } from './network-resource-record.js';

type Json = Record<string, unknown>;

/**
 * The cloud's public range: TEST-NET-3 (RFC 5737), never routed on the internet. Addresses are handed out from
 * .4 upward so that .1 stays free for the fabric's internet stand-in.
 */
export const publicRange = { first: parseIpv4('203.0.113.0')!, size: 256 };

function allocatePublicAddress(context: ArmContext, exceptId: string): string | undefined {
  const taken = new Set<string>();
  for (const record of context.store.resources.values()) {
    if (record.type !== 'Microsoft.Network/publicIPAddresses') continue;
    if (record.id.toLowerCase() === exceptId.toLowerCase()) continue;
    if (typeof record.properties.ipAddress === 'string') taken.add(record.properties.ipAddress);
  }
  for (let address = publicRange.first + 4; address < publicRange.first + publicRange.size - 1; address++)
    if (!taken.has(formatIpv4(address))) return formatIpv4(address);
  return undefined;
}

function checkBody(body: Json, id: string): Reply | undefined {
  const properties = (body.properties as Json | undefined) ?? {};
  const sku = String((body.sku as Json | undefined)?.name ?? 'Basic');
  const method = properties.publicIPAllocationMethod ?? 'Dynamic';
  if (!['Static', 'Dynamic'].includes(String(method)) || !['Basic', 'Standard'].includes(sku))
    return armError(
      400,
      'InvalidRequestFormat',
      `Public IP address ${id}: publicIPAllocationMethod must be Static or Dynamic and sku.name Basic or Standard.`,
    );
  if (sku === 'Standard' && method !== 'Static')
    return armError(
      400,
      'StandardSkuPublicIPAddressesMustBeStatic',
      `Standard sku publicIp ${id} must have AllocationMethod set to Static.`,
    );
  if ((properties.publicIPAddressVersion ?? 'IPv4') !== 'IPv4')
    return armError(400, 'InvalidRequestFormat', `Public IP address ${id}: only IPv4 is emulated.`);
  return undefined;
}

/** The record of a public IP address: an address from the public range, kept across updates. */
function publicAddressRecord(
  context: ArmContext,
  address: ResourceAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const invalid = checkBody(body, address.id);
  if (invalid !== undefined) return invalid;
  const ipAddress =
    (existing?.properties.ipAddress as string | undefined) ?? allocatePublicAddress(context, address.id);
  if (ipAddress === undefined)
    return armError(
      400,
      'PublicIPCountLimitReached',
      `The local public range 203.0.113.0/24 has no free address for ${address.id}.`,
    );
  const sku = (body.sku as Json | undefined) ?? { name: 'Basic' };
  return networkRecord(address, { ...body, sku: { tier: 'Regional', ...sku } }, existing, {
    publicIPAddressVersion: 'IPv4',
    publicIPAllocationMethod: 'Dynamic',
    idleTimeoutInMinutes: 4,
    ipTags: [],
    ...((body.properties as Json | undefined) ?? {}),
    ipAddress,
    ...(sku.name === 'Standard' ? { ddosSettings: { protectionMode: 'VirtualNetworkInherited' } } : {}),
  });
}

/** PUT a public IP address. */
export function putPublicIpAddress(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return servePut<Json, ResourceRecord>(exchange, context, {
    validate: (raw) => validateNetworkBody('publicIPAddress', raw) ?? invalidTopLevelBody(raw),
    ...inResourceMap(context, address.id),
    build: (body, existing) => publicAddressRecord(context, address, body, existing),
    operation: (record) => networkOperation(address, record.location!),
  });
}

/** The NAT gateways that use a public IP address. */
export function gatewaysUsing(context: ArmContext, publicIpId: string): string[] {
  return [...context.store.resources.values()]
    .filter(
      (r) =>
        r.type === 'Microsoft.Network/natGateways' &&
        ((r.properties.publicIpAddresses as unknown[] | undefined) ?? []).some(
          (p) => refId(p).toLowerCase() === publicIpId.toLowerCase(),
        ),
    )
    .map((r) => r.id);
}

/** DELETE a public IP address: PublicIPAddressCannotBeDeleted while a NAT gateway holds it. */
export function deletePublicIpAddress(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const refuse = (record: ResourceRecord) => {
    const holder = gatewaysUsing(context, record.id)[0];
    if (holder === undefined) return undefined;
    return armError(
      400,
      'PublicIPAddressCannotBeDeleted',
      `Public IP address ${record.id} can not be deleted since it is still allocated to resource ${holder}. Detach it from that resource first.`,
    );
  };
  return serveNetworkDelete(exchange, context, address, { refuse });
}
