import type { Reply } from '../http/exchange.js';
import { armError } from '../arm/arm-error.js';
import { formatIpv4, isReservedInSubnet, parseIpv4, type Ipv4Prefix } from './ipv4-prefix.js';

/** The addresses already taken in a subnet, with the IP configuration holding each. */
export type TakenAddresses = Map<number, string>;

/**
 * Picks the private address of one IP configuration: a Static one is checked (in the subnet, outside Azure's
 * reserved addresses, not taken); a Dynamic one gets `keep` when still valid, else the lowest free address.
 */
export function allocatePrivateIp(
  request: { method: 'Static' | 'Dynamic'; address?: string; keep?: string },
  subnet: { id: string; prefix: Ipv4Prefix },
  taken: TakenAddresses,
  ipConfigurationId: string,
): string | Reply {
  if (request.method === 'Static') return checkStatic(request.address, subnet, taken, ipConfigurationId);
  const keep = request.keep === undefined ? undefined : parseIpv4(request.keep);
  if (keep !== undefined && usable(subnet.prefix, keep) && !taken.has(keep)) return formatIpv4(keep);
  for (
    let address = subnet.prefix.first + 4;
    address < subnet.prefix.first + subnet.prefix.size - 1;
    address++
  ) {
    if (!taken.has(address)) return formatIpv4(address);
  }
  return armError(
    400,
    'SubnetIsFull',
    `Subnet ${subnet.id} with address prefix ${subnet.prefix.text} does not have enough capacity for 1 IP addresses.`,
  );
}

function usable(prefix: Ipv4Prefix, address: number): boolean {
  return (
    address >= prefix.first && address < prefix.first + prefix.size && !isReservedInSubnet(prefix, address)
  );
}

function checkStatic(
  text: string | undefined,
  subnet: { id: string; prefix: Ipv4Prefix },
  taken: TakenAddresses,
  ipConfigurationId: string,
): string | Reply {
  const address = text === undefined ? undefined : parseIpv4(text);
  if (address === undefined) {
    return armError(
      400,
      'InvalidRequestFormat',
      `IP configuration ${ipConfigurationId} uses privateIPAllocationMethod Static, so it needs a valid privateIPAddress (found '${text ?? ''}').`,
    );
  }
  if (address < subnet.prefix.first || address >= subnet.prefix.first + subnet.prefix.size) {
    return armError(
      400,
      'PrivateIPAddressNotInSubnet',
      `IP configuration ${ipConfigurationId} is referencing a private IP address ${text} that is not in the address prefix ${subnet.prefix.text} of subnet ${subnet.id}.`,
    );
  }
  if (isReservedInSubnet(subnet.prefix, address)) {
    return armError(
      400,
      'PrivateIPAddressInReservedRange',
      `Private static IP address ${text} falls within reserved IP range of subnet prefix ${subnet.prefix.text}.`,
    );
  }
  const holder = taken.get(address);
  if (holder !== undefined) {
    return armError(
      400,
      'PrivateIPAddressIsAllocated',
      `IP configuration ${ipConfigurationId} is using the private IP address ${text} which is already allocated to resource ${holder}.`,
    );
  }
  return text!;
}
