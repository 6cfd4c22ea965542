import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';
import type { ResourceAddress } from '../arm/generic-resources.js';
import { formatIpv4, parseIpv4 } from './ipv4-prefix.js';
import { validateNetworkBody } from './network-schemas.js';
import { startNetworkOperation } from './network-operation.js';
import { isReply, networkRecord, refId, topLevelBody } from './network-resource-record.js';

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

/** PUT a public IP address: an address from the public range, kept across updates. */
export function putPublicIpAddress(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  const raw = jsonBody(exchange);
  const malformed = validateNetworkBody('publicIPAddress', raw);
  if (malformed !== undefined) return malformed;
  const body = topLevelBody(raw);
  if (isReply(body)) return body;
  const invalid = checkBody(body, address.id);
  if (invalid !== undefined) return invalid;
  const existing = context.store.resources.get(address.id.toLowerCase());
  const ipAddress =
    (existing?.properties.ipAddress as string | undefined) ?? allocatePublicAddress(context, address.id);
  if (ipAddress === undefined)
    return armError(
      400,
      'PublicIPCountLimitReached',
      `The local public range 203.0.113.0/24 has no free address for ${address.id}.`,
    );
  const sku = (body.sku as Json | undefined) ?? { name: 'Basic' };
  const record = networkRecord(address, { ...body, sku: { tier: 'Regional', ...sku } }, existing, {
    publicIPAddressVersion: 'IPv4',
    publicIPAllocationMethod: 'Dynamic',
    idleTimeoutInMinutes: 4,
    ipTags: [],
    ...((body.properties as Json | undefined) ?? {}),
    ipAddress,
    ...(sku.name === 'Standard' ? { ddosSettings: { protectionMode: 'VirtualNetworkInherited' } } : {}),
  });
  context.store.resources.set(address.id.toLowerCase(), record);
  const headers = startNetworkOperation(
    exchange,
    context,
    address.subscriptionId,
    record.location!,
    () => undefined,
  );
  return json(existing === undefined ? 201 : 200, structuredClone(record), headers);
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
  const record = context.store.resources.get(address.id.toLowerCase());
  if (record === undefined) return { status: 204 };
  const holder = gatewaysUsing(context, record.id)[0];
  if (holder !== undefined)
    return armError(
      400,
      'PublicIPAddressCannotBeDeleted',
      `Public IP address ${record.id} can not be deleted since it is still allocated to resource ${holder}. Detach it from that resource first.`,
    );
  const remove = () => context.store.resources.delete(address.id.toLowerCase());
  return {
    status: 202,
    headers: startNetworkOperation(exchange, context, address.subscriptionId, record.location!, remove, true),
  };
}
