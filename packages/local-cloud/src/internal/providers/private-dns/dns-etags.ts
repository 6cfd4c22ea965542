import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { armError } from '../../arm/arm-error.js';

/** A new etag, as the DNS service writes them (a GUID without quotes). */
export function dnsEtag(): string {
  return randomUUID();
}

/** The etag preconditions of a write: `If-None-Match: *` needs absence, `If-Match` the current etag. */
export function preconditionFailure(
  exchange: Exchange,
  existing: Record<string, unknown> | undefined,
  what: string,
): Reply | undefined {
  const ifNoneMatch = exchange.headers['if-none-match'];
  const ifMatch = exchange.headers['if-match'];
  if (ifNoneMatch === '*' && existing !== undefined) {
    return armError(412, 'PreconditionFailed', `The ${what} already exists.`);
  }
  if (
    typeof ifMatch === 'string' &&
    ifMatch !== '*' &&
    ifMatch.replaceAll('"', '') !== String(existing?.etag ?? '')
  ) {
    return armError(412, 'PreconditionFailed', `The ${what} has been modified (etag mismatch).`);
  }
  if (ifMatch === '*' && existing === undefined) {
    return armError(412, 'PreconditionFailed', `The ${what} does not exist.`);
  }
  return undefined;
}
