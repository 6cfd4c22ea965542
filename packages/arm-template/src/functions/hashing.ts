import { createHash } from 'node:crypto';

const C1 = 0x239b961b;
const C2 = 0xab0e9789;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function mul(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = mul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = mul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function littleEndian(data: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let j = count - 1; j >= 0; j--) value = (value << 8) | (data[at + j] as number);
  return value >>> 0;
}

function mixFirst(h1: number, k1: number): number {
  return (h1 ^ mul(rotl(mul(k1, C1), 15), C2)) >>> 0;
}

function mixSecond(h2: number, k2: number): number {
  return (h2 ^ mul(rotl(mul(k2, C2), 17), C1)) >>> 0;
}

/** The 64-bit MurmurHash variant ARM's `uniqueString` uses (two 32-bit lanes, seed 0). */
export function armMurmurHash64(data: Uint8Array): bigint {
  let h1 = 0;
  let h2 = 0;
  let i = 0;
  const length = data.length;
  for (; i + 7 < length; i += 8) {
    h1 = mixFirst(h1, littleEndian(data, i, 4));
    h1 = (mul((rotl(h1, 19) + h2) >>> 0, 5) + 0x561ccd1b) >>> 0;
    h2 = mixSecond(h2, littleEndian(data, i + 4, 4));
    h2 = (mul((rotl(h2, 13) + h1) >>> 0, 5) + 0x0bcaa747) >>> 0;
  }
  const tail = length - i;
  if (tail > 0) h1 = mixFirst(h1, littleEndian(data, i, Math.min(tail, 4)));
  if (tail > 4) h2 = mixSecond(h2, littleEndian(data, i + 4, tail - 4));
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = finalMix(h1);
  h2 = finalMix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return (BigInt(h2) << 32n) | BigInt(h1);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** ARM's `uniqueString`: the arguments joined with '-', hashed, and the top 65 bits written as 13 base-32 letters. */
export function uniqueString(parts: string[]): string {
  let value = armMurmurHash64(Buffer.from(parts.join('-'), 'utf8'));
  let result = '';
  for (let i = 0; i < 13; i++) {
    result += BASE32[Number(value >> 59n)];
    value = (value << 5n) & 0xffffffffffffffffn;
  }
  return result;
}

const GUID_NAMESPACE = Buffer.from('11fb06fb712d4ddd98c7e71bbd588830', 'hex');

/** ARM's `guid`: a name-based (version 5, SHA-1) UUID of the arguments joined with '-', in ARM's namespace. */
export function deterministicGuid(parts: string[]): string {
  const hash = createHash('sha1')
    .update(GUID_NAMESPACE)
    .update(Buffer.from(parts.join('-'), 'utf8'))
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
