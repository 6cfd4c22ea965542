import { functionError } from '../errors.js';
import type { ArmValue } from '../values.js';
import { arity, intArg, stringArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

interface Cidr {
  v6: boolean;
  bits: number;
  address: bigint;
  prefix: number;
}

function parseIpv4(name: string, text: string): bigint {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw functionError(name, `got '${text}', which is not a valid IPv4 address`);
  }
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(name: string, text: string): bigint {
  const halves = text.split('::');
  if (halves.length > 2) throw functionError(name, `got '${text}', which is not a valid IPv6 address`);
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0)
    throw functionError(name, `got '${text}', which is not a valid IPv6 address`);
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return all.reduce((acc, g) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g))
      throw functionError(name, `got '${text}', which is not a valid IPv6 address`);
    return (acc << 16n) | BigInt(parseInt(g, 16));
  }, 0n);
}

function parseCidrText(name: string, text: string): Cidr {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) throw functionError(name, `got '${text}', which is not in CIDR notation (address/prefix)`);
  const v6 = (match[1] as string).includes(':');
  const bits = v6 ? 128 : 32;
  const prefix = Number(match[2]);
  if (prefix > bits)
    throw functionError(name, `got the prefix length ${prefix}, which is larger than ${bits}`);
  const address = v6 ? parseIpv6(name, match[1] as string) : parseIpv4(name, match[1] as string);
  return { v6, bits, address, prefix };
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_v, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function formatAddress(cidr: Cidr, value: bigint): string {
  if (cidr.v6) return formatIpv6(value);
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

function maskOf(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return (all << BigInt(bits - prefix)) & all;
}

function networkOf(cidr: Cidr): bigint {
  return cidr.address & maskOf(cidr.bits, cidr.prefix);
}

function parseCidr(args: ArmValue[]): ArmValue {
  arity('parseCidr', args, 1);
  const cidr = parseCidrText('parseCidr', stringArg('parseCidr', args, 0));
  const network = networkOf(cidr);
  const last = network | ((1n << BigInt(cidr.bits - cidr.prefix)) - 1n);
  const result: Record<string, ArmValue> = {
    network: formatAddress(cidr, network),
    netmask: formatAddress(cidr, maskOf(cidr.bits, cidr.prefix)),
  };
  if (cidr.v6) {
    return {
      ...result,
      firstUsable: formatAddress(cidr, network),
      lastUsable: formatAddress(cidr, last),
      cidr: cidr.prefix,
    };
  }
  // ARM's /31 and /32 ranges: the first usable address is the network address, the last one before the broadcast.
  const pointToPoint = cidr.prefix >= 31;
  return {
    ...result,
    broadcast: formatAddress(cidr, last),
    firstUsable: formatAddress(cidr, pointToPoint ? network : network + 1n),
    lastUsable: formatAddress(cidr, cidr.prefix === 32 ? network : last - 1n),
    cidr: cidr.prefix,
  };
}

function cidrSubnet(args: ArmValue[]): string {
  arity('cidrSubnet', args, 3);
  const cidr = parseCidrText('cidrSubnet', stringArg('cidrSubnet', args, 0));
  const newPrefix = intArg('cidrSubnet', args, 1);
  const index = intArg('cidrSubnet', args, 2);
  if (newPrefix < cidr.prefix || newPrefix > cidr.bits) {
    throw functionError(
      'cidrSubnet',
      `needs a new prefix length between ${cidr.prefix} and ${cidr.bits}, not ${newPrefix}`,
    );
  }
  const count = 1n << BigInt(newPrefix - cidr.prefix);
  if (index < 0 || BigInt(index) >= count)
    throw functionError('cidrSubnet', `got the subnet index ${index}, outside 0 to ${count - 1n}`);
  const subnet = networkOf(cidr) + (BigInt(index) << BigInt(cidr.bits - newPrefix));
  return `${formatAddress(cidr, subnet)}/${newPrefix}`;
}

function cidrHost(args: ArmValue[]): string {
  arity('cidrHost', args, 2);
  const cidr = parseCidrText('cidrHost', stringArg('cidrHost', args, 0));
  const index = intArg('cidrHost', args, 1);
  // ARM skips the network address and never hands out the last one, for IPv4 and IPv6 alike.
  const usable = (1n << BigInt(cidr.bits - cidr.prefix)) - 2n;
  if (index < 0 || BigInt(index) >= usable) {
    throw functionError(
      'cidrHost',
      `could not calculate the host ${index} of the network '${stringArg('cidrHost', args, 0)}', which has ${usable > 0n ? usable : 0n} usable host(s)`,
    );
  }
  const offset = 1n;
  return formatAddress(cidr, networkOf(cidr) + offset + BigInt(index));
}

/** CIDR functions of the ARM template language, for IPv4 and IPv6. */
export const cidrFunctions: FunctionFamily = {
  parsecidr: { apply: parseCidr },
  cidrsubnet: { apply: cidrSubnet },
  cidrhost: { apply: cidrHost },
};
