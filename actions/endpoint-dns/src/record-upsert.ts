import type { OpenAzure } from '@azpn/azure';
import type { ResourceReference } from './config.js';
import { privateDnsClient } from '@azpn/azure/clients/private-dns';

/** What one record ended as. */
export interface RecordOutcome {
  name: string;
  fqdn: string;
  addresses: string[];
  changed: boolean;
  attempts: number;
}

/** Concurrent writers each get their turn within this many tries (each 412 means another writer won). */
const maxAttempts = 25;

function preconditionFailed(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 412;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * Makes the A record `name` hold `addresses` (with `prune`, exactly them; otherwise at least them), with etag
 * concurrency: `If-None-Match: *` to create, `If-Match` with the etag read to update, and on 412 read again and
 * retry. Writes nothing when the record already says so. Reads and writes in the zone's own subscription.
 */
export async function upsertARecord(
  azure: OpenAzure,
  zone: ResourceReference,
  name: string,
  addresses: readonly string[],
  options: { ttl: number; prune: boolean; pause: (ms: number) => Promise<void> },
): Promise<RecordOutcome> {
  const sets = azure.client(privateDnsClient, zone.subscriptionId).recordSets;
  for (let attempt = 1; ; attempt++) {
    const current = await sets.get(zone.resourceGroup, zone.name, 'A', name).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    });
    const held = (current?.aRecords ?? []).map((r) => r.ipv4Address ?? '').filter(Boolean);
    const wanted = options.prune ? [...addresses] : [...new Set([...held, ...addresses])];
    wanted.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const fqdn = current?.fqdn ?? `${name === '@' ? '' : `${name}.`}${zone.name}.`;
    if (current && sameSet(held, wanted) && current.ttl === options.ttl) {
      return { name, fqdn, addresses: wanted, changed: false, attempts: attempt };
    }
    try {
      const written = await sets.createOrUpdate(
        zone.resourceGroup,
        zone.name,
        'A',
        name,
        {
          ttl: options.ttl,
          aRecords: wanted.map((ipv4Address) => ({ ipv4Address })),
          metadata: current?.metadata ?? {},
        },
        current?.etag ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
      );
      return { name, fqdn: written.fqdn ?? fqdn, addresses: wanted, changed: true, attempts: attempt };
    } catch (error) {
      if (!preconditionFailed(error) || attempt >= maxAttempts) throw error;
      // Another writer changed the record between our read and write: read it again, after a short random pause.
      await options.pause(20 + Math.floor(Math.random() * 80) * Math.min(attempt, 5));
    }
  }
}
