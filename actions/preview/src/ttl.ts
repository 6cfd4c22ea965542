/** How long a preview lives after its last deploy: `90m`, `12h`, `7d` or `2w`. */

const units = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The longest time to live accepted: a preview older than this is no preview. */
export const maxTtlMs = 90 * units.d;

/** What the ttl input takes, for the sentence that refuses anything else. */
export const ttlRule =
  'use a number with m, h, d or w (minutes, hours, days, weeks) between 10m and 90d, such as 7d';

/** The time to live in milliseconds, or undefined when the text is not one within 10 minutes and 90 days. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d{1,6})\s*([mhdw])$/i.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * units[match[2]!.toLowerCase() as keyof typeof units];
  return ms >= 10 * units.m && ms <= maxTtlMs ? ms : undefined;
}
