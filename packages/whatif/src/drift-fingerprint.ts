import { createHash } from 'node:crypto';
import type { ResourceChange } from './changes.js';
import { propertyLeaves } from './noise-rules.js';

/** A value in a canonical form: object members sorted, so equal values print equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/**
 * A stable fingerprint of classified drift: the same drift gives the same 16 hex digits whatever order what-if
 * answers in and whatever noise changed between runs (etags, addresses), and any changed resource, property,
 * kind or value gives another. Compute it over redacted changes: a secure value then never feeds it, so the
 * fingerprint can be stored in the open (an issue's hidden marker) without hinting at a secret.
 */
export function driftFingerprint(drift: readonly ResourceChange[]): string {
  const entries = drift
    .map((change) => ({
      id: change.resourceId.toLowerCase(),
      change: change.changeType,
      properties: propertyLeaves(change.delta ?? [])
        .map((leaf) => [leaf.path.join('.'), leaf.kind, canonical(leaf.before), canonical(leaf.after)])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16);
}
