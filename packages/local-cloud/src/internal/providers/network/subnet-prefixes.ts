import type { Reply } from '../../http/exchange.js';
import { armError } from '../../arm/arm-error.js';
import {
  containsPrefix,
  parseIpv4Prefix,
  prefixesOverlap,
  type Ipv4Prefix,
} from '../../subnet-addressing/ipv4-prefix.js';
import type { SubnetRecord } from '../../subnet-addressing/network-records.js';
import { subnetPrefixTexts } from '../../subnet-addressing/subnet-users.js';

/** Parses a list of CIDR blocks, answering InvalidCIDRNotation or InvalidAddressPrefixFormat for a bad one. */
export function parsePrefixes(texts: string[], owner: string): Ipv4Prefix[] | Reply {
  const prefixes: Ipv4Prefix[] = [];
  for (const text of texts) {
    const parsed = parseIpv4Prefix(text);
    if (parsed === undefined) {
      return armError(
        400,
        'InvalidAddressPrefixFormat',
        `Address prefix ${text} of ${owner} is not a valid IPv4 CIDR block such as 10.0.0.0/24.`,
      );
    }
    if (typeof parsed === 'string') {
      return armError(
        400,
        'InvalidCIDRNotation',
        `The address prefix ${text} in resource ${owner} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${parsed}.`,
      );
    }
    prefixes.push(parsed);
  }
  return prefixes;
}

/**
 * Checks a subnet's prefixes as the Network provider does: valid CIDR, inside the virtual network's address
 * space (NetcfgSubnetRangeOutsideVnet), and disjoint from its sibling subnets (NetcfgSubnetRangesOverlap).
 */
export function checkSubnetPrefixes(
  vnet: { id: string; name: string; space: Ipv4Prefix[] },
  subnet: { name: string; prefixes: string[] },
  siblings: SubnetRecord[],
): Reply | undefined {
  if (subnet.prefixes.length === 0) {
    return armError(
      400,
      'InvalidRequestFormat',
      `Subnet '${subnet.name}' of virtual network '${vnet.name}' needs properties.addressPrefix (for example 10.0.1.0/24).`,
    );
  }
  const prefixes = parsePrefixes(subnet.prefixes, `${vnet.id}/subnets/${subnet.name}`);
  if (!Array.isArray(prefixes)) return prefixes;
  if (!prefixes.every((p) => vnet.space.some((space) => containsPrefix(space, p)))) {
    return armError(
      400,
      'NetcfgSubnetRangeOutsideVnet',
      `Subnet '${subnet.name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`,
    );
  }
  for (const sibling of siblings) {
    const theirs = parsePrefixes(subnetPrefixTexts(sibling), sibling.id);
    if (Array.isArray(theirs) && prefixes.some((p) => theirs.some((t) => prefixesOverlap(p, t)))) {
      return armError(
        400,
        'NetcfgSubnetRangesOverlap',
        `Subnet '${subnet.name}' is not valid because its IP address range overlaps with that of an existing subnet '${sibling.name}' in virtual network '${vnet.name}'.`,
      );
    }
  }
  return undefined;
}

/** InUseSubnetCannotBeDeleted for a subnet that IP configurations still use. */
export function subnetInUse(subnet: SubnetRecord): Reply | undefined {
  const user = subnet.properties.ipConfigurations?.[0];
  if (user === undefined) return undefined;
  return armError(
    400,
    'InUseSubnetCannotBeDeleted',
    `Subnet ${subnet.name} is in use by ${user.id} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
  );
}
