import { randomUUID } from 'node:crypto';
import type { Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { newEtag } from '../../subnet-addressing/network-records.js';

type Json = Record<string, unknown>;

/** InvalidRequestFormat / LocationRequired for the body of a top-level Network resource; undefined when fine. */
export function invalidTopLevelBody(body: unknown): Reply | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return armError(400, 'InvalidRequestFormat', 'Cannot parse the request: the body must be a JSON object.');
  if (typeof (body as Json).location !== 'string' || (body as Json).location === '')
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  return undefined;
}

/**
 * The record of a top-level Network resource: the request's sku, tags and properties with `properties`
 * (computed ones) laid over them, a fresh etag, and the resourceGuid kept across updates.
 */
export function networkRecord(
  address: ResourceAddress,
  body: Json,
  existing: ResourceRecord | undefined,
  properties: Json,
): ResourceRecord {
  return {
    id: existing?.id ?? address.id,
    name: address.name,
    type: address.type,
    location: normaliseLocation(String(body.location)),
    ...(body.tags === undefined ? {} : { tags: body.tags as Record<string, string> }),
    ...(body.sku === undefined ? {} : { sku: body.sku }),
    ...(body.zones === undefined ? {} : { zones: body.zones }),
    etag: newEtag(),
    properties: {
      ...((body.properties as Json | undefined) ?? {}),
      ...properties,
      provisioningState: 'Succeeded',
      resourceGuid: (existing?.properties.resourceGuid as string | undefined) ?? randomUUID(),
    },
  };
}

/** A reference's id, or ''. */
export function refId(value: unknown): string {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : '';
}

/** The InvalidResourceReference error Azure answers for a reference to a missing resource. */
export function missingReference(referenced: string, by: string): Reply {
  return armError(
    400,
    'InvalidResourceReference',
    `Resource ${referenced} referenced by resource ${by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
  );
}

/** The subnets (inline in every virtual network of the subscription) whose `property` references `id`. */
export function subnetsReferencing(context: ArmContext, property: string, id: string): { id: string }[] {
  const wanted = id.toLowerCase();
  const found: { id: string }[] = [];
  for (const record of context.store.resources.values()) {
    if (record.type !== 'Microsoft.Network/virtualNetworks') continue;
    for (const subnet of (record.properties.subnets as { id: string; properties: Json }[] | undefined) ?? [])
      if (refId(subnet.properties[property]).toLowerCase() === wanted) found.push({ id: subnet.id });
  }
  return found;
}

/** The resources a subnet may reference, with the type each must have. */
const subnetReferences: [string, string][] = [
  ['natGateway', 'Microsoft.Network/natGateways'],
  ['networkSecurityGroup', 'Microsoft.Network/networkSecurityGroups'],
];

/** InvalidResourceReference when a subnet names a NAT gateway or NSG the store does not hold. */
export function checkSubnetReferences(
  context: ArmContext,
  subnetId: string,
  properties: Json | undefined,
): Reply | undefined {
  for (const [property, type] of subnetReferences) {
    const id = refId(properties?.[property]);
    if (id === '') continue;
    if (context.store.resources.get(id.toLowerCase())?.type !== type) return missingReference(id, subnetId);
  }
  return undefined;
}
