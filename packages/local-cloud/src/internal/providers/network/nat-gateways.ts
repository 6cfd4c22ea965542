import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { validateNetworkBody } from './network-schemas.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { networkOperation, serveNetworkDelete } from './network-operation.js';
import {
  invalidTopLevelBody,
  missingReference,
  networkRecord,
  refId,
  subnetsReferencing,
} from './network-resource-record.js';
import { gatewaysUsing } from './public-ip-addresses.js';

type Json = Record<string, unknown>;

function checkPublicAddresses(context: ArmContext, body: Json, gatewayId: string): Reply | undefined {
  const properties = (body.properties as Json | undefined) ?? {};
  for (const reference of (properties.publicIpAddresses as unknown[] | undefined) ?? []) {
    const pip = context.store.resources.get(refId(reference).toLowerCase());
    if (pip === undefined || pip.type !== 'Microsoft.Network/publicIPAddresses')
      return missingReference(refId(reference), gatewayId);
    if ((pip.sku as { name?: string } | undefined)?.name !== 'Standard')
      return armError(
        400,
        'NatGatewayCannotUseBasicSkuPublicIp',
        `NAT gateway ${gatewayId} cannot use public IP address ${pip.id}: NAT gateways need Standard sku public IPs.`,
      );
    const other = gatewaysUsing(context, pip.id).find((g) => g.toLowerCase() !== gatewayId.toLowerCase());
    if (other !== undefined)
      return armError(
        400,
        'PublicIPAddressInUse',
        `Public IP address ${pip.id} is already used by ${other}; a NAT gateway needs its own.`,
      );
  }
  return undefined;
}

/**
 * PUT a NAT gateway: its public IPs must exist (Standard, not used by another gateway); the subnets that use
 * it are back-references, answered from the virtual networks (see presentNetworkRecord).
 */
export function putNatGateway(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return servePut<Json, ResourceRecord>(exchange, context, {
    validate: (raw) => validateNetworkBody('natGateway', raw) ?? invalidTopLevelBody(raw),
    ...inResourceMap(context, address.id),
    build: (body, existing) => {
      const invalid = checkPublicAddresses(context, body, address.id);
      if (invalid !== undefined) return invalid;
      // The service answers the sku with its tier, which a template does not set (what-if shows it removed:
      // Azure/arm-template-whatif#418).
      const sku = { name: 'Standard', ...(body.sku as Json | undefined), tier: 'Regional' };
      const record = networkRecord(address, { ...body, sku }, existing, {
        idleTimeoutInMinutes: 4,
        ...((body.properties as Json | undefined) ?? {}),
      });
      delete record.properties.subnets;
      return record;
    },
    operation: (record) => networkOperation(address, record.location!),
  });
}

/** DELETE a NAT gateway: InUseNatGatewayCannotBeDeleted while a subnet uses it. */
export function deleteNatGateway(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  const refuse = (record: ResourceRecord) => {
    const subnet = subnetsReferencing(context, 'natGateway', record.id)[0];
    if (subnet === undefined) return undefined;
    return armError(
      400,
      'InUseNatGatewayCannotBeDeleted',
      `Nat Gateway ${record.id} is in use by subnet ${subnet.id} and cannot be deleted. Remove it from the subnet first.`,
    );
  };
  return serveNetworkDelete(exchange, context, address, { refuse });
}
