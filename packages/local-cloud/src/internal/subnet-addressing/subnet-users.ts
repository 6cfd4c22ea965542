/**
 * Who uses a subnet and which addresses they hold. A subnet's `ipConfigurations` lists the IP configurations in it
 * (a NIC's, a load balancer frontend, a Private Link Service's NAT configuration, a scale set instance's NIC); every
 * provider that places an address in a subnet (Network, Compute, Container Instance) keeps that list through these.
 */
import type { ArmContext } from '../arm/arm-provider.js';
import { parseIpv4 } from './ipv4-prefix.js';
import type { SubnetRecord, VirtualNetworkRecord } from './network-records.js';
import type { TakenAddresses } from './private-ip-allocation.js';

/** The stored virtual network at an address, if any. */
export function findVirtualNetwork(context: ArmContext, id: string): VirtualNetworkRecord | undefined {
  return context.store.resources.get(id.toLowerCase()) as VirtualNetworkRecord | undefined;
}

/** The subnet record (inline in its virtual network) of a subnet id. */
export function findSubnet(context: ArmContext, subnetId: string): SubnetRecord | undefined {
  const vnetId = subnetId.replace(/\/subnets\/[^/]+$/i, '');
  return findVirtualNetwork(context, vnetId)?.properties.subnets.find(
    (s) => s.id.toLowerCase() === subnetId.toLowerCase(),
  );
}

/** The prefixes a subnet declares (addressPrefix or addressPrefixes). */
export function subnetPrefixTexts(subnet: {
  properties?: { addressPrefix?: unknown; addressPrefixes?: unknown };
}): string[] {
  const props = subnet.properties ?? {};
  if (Array.isArray(props.addressPrefixes) && props.addressPrefixes.length > 0)
    return props.addressPrefixes as string[];
  return typeof props.addressPrefix === 'string' ? [props.addressPrefix] : [];
}

/**
 * The private address an IP configuration that uses a subnet holds: a NIC's ipConfiguration, a load balancer's
 * frontendIPConfiguration or a Private Link Service's ipConfiguration, read from its owner.
 */
function addressOfUser(context: ArmContext, userId: string): string | undefined {
  const match = /^(.*)\/(ipConfigurations|frontendIPConfigurations)\/[^/]+$/i.exec(userId);
  if (match === null) return undefined;
  const owner = context.store.resources.get(match[1]!.toLowerCase());
  const configs =
    owner?.properties[match[2] === 'ipConfigurations' ? 'ipConfigurations' : 'frontendIPConfigurations'];
  if (!Array.isArray(configs)) return undefined;
  const config = (configs as { id?: string; properties?: { privateIPAddress?: string } }[]).find(
    (c) => c.id?.toLowerCase() === userId.toLowerCase(),
  );
  return config?.properties?.privateIPAddress;
}

/** The addresses of a subnet held by IP configurations other than those of `exceptOwner`. */
export function takenIn(context: ArmContext, subnet: SubnetRecord, exceptOwner: string): TakenAddresses {
  const taken: TakenAddresses = new Map();
  for (const user of subnet.properties.ipConfigurations ?? []) {
    if (user.id.toLowerCase().startsWith(exceptOwner.toLowerCase() + '/')) continue;
    const text = addressOfUser(context, user.id);
    const address = text === undefined ? undefined : parseIpv4(text);
    if (address !== undefined) taken.set(address, user.id);
  }
  return taken;
}

/** Moves the subnets' `ipConfigurations` back-references from the old configurations to the new ones. */
export function relinkSubnets(
  context: ArmContext,
  removed: { id: string; properties: { subnet: { id: string } } }[],
  added: { id: string; properties: { subnet: { id: string } } }[],
): void {
  for (const config of removed) {
    const subnet = findSubnet(context, config.properties.subnet.id);
    if (subnet?.properties.ipConfigurations) {
      subnet.properties.ipConfigurations = subnet.properties.ipConfigurations.filter(
        (u) => u.id.toLowerCase() !== config.id.toLowerCase(),
      );
      if (subnet.properties.ipConfigurations.length === 0) delete subnet.properties.ipConfigurations;
    }
  }
  for (const config of added) {
    const subnet = findSubnet(context, config.properties.subnet.id);
    if (subnet !== undefined)
      subnet.properties.ipConfigurations = [...(subnet.properties.ipConfigurations ?? []), { id: config.id }];
  }
}
