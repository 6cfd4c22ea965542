/** An IPv4 prefix (CIDR block) as numbers: first address and prefix length. */
export interface Ipv4Prefix {
  text: string;
  first: number;
  length: number;
  size: number;
}

/** Parses `a.b.c.d` into a 32-bit number, or undefined when it is not an IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Formats a 32-bit number as `a.b.c.d`. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Parses `a.b.c.d/n`. Answers a string (the canonical prefix) when the address has host bits set, as ARM's
 * InvalidCIDRNotation names it, and undefined when it is not CIDR at all.
 */
export function parseIpv4Prefix(text: string): Ipv4Prefix | string | undefined {
  const [address, lengthText, extra] = text.split('/');
  if (
    address === undefined ||
    lengthText === undefined ||
    extra !== undefined ||
    !/^\d{1,2}$/.test(lengthText)
  ) {
    return undefined;
  }
  const value = parseIpv4(address);
  const length = Number(lengthText);
  if (value === undefined || length > 32) return undefined;
  const size = 2 ** (32 - length);
  const first = Math.floor(value / size) * size;
  if (first !== value) return `${formatIpv4(first)}/${length}`;
  return { text, first, length, size };
}

/** True when `inner` lies wholly inside `outer`. */
export function containsPrefix(outer: Ipv4Prefix, inner: Ipv4Prefix): boolean {
  return inner.first >= outer.first && inner.first + inner.size <= outer.first + outer.size;
}

/** True when the two blocks share an address. */
export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return a.first < b.first + b.size && b.first < a.first + a.size;
}

/** Azure reserves the first four addresses and the last one of every subnet. */
export function isReservedInSubnet(subnet: Ipv4Prefix, address: number): boolean {
  return address < subnet.first + 4 || address === subnet.first + subnet.size - 1;
}
