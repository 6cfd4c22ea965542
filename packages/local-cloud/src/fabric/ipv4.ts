/** An IPv4 address as an unsigned 32-bit number. */
export function ipv4Number(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`'${address}' is not an IPv4 address such as 10.0.1.4.`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** The dotted form of an unsigned 32-bit number. */
export function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** A CIDR prefix: first address, size and length. */
export interface Ipv4Prefix {
  first: number;
  size: number;
  bits: number;
  text: string;
}

/** Parses `10.0.1.0/26`; the host bits are cleared. */
export function parsePrefix(cidr: string): Ipv4Prefix {
  const [address, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (address === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32)
    throw new Error(`'${cidr}' is not an IPv4 CIDR such as 10.0.1.0/26.`);
  const size = 2 ** (32 - bits);
  const first = ipv4Number(address) - (ipv4Number(address) % size);
  return { first, size, bits, text: `${ipv4Text(first)}/${bits}` };
}

/** True when the address lies in the prefix. */
export function prefixContains(prefix: Ipv4Prefix, address: string): boolean {
  const value = ipv4Number(address);
  return value >= prefix.first && value < prefix.first + prefix.size;
}

/** The address `offset` places into the prefix (Azure's gateway is offset 1). */
export function prefixAddress(prefix: Ipv4Prefix, offset: number): string {
  return ipv4Text(prefix.first + offset);
}
