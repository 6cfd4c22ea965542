import { randomUUID } from 'node:crypto';
import { json, type Reply } from '../http/exchange.js';

/** Entra's timestamp format in error bodies: `2025-04-22 01:01:11Z`. */
function entraTimestamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * An Entra token-endpoint error: `AADSTS<code>: <message> Trace ID: … Correlation ID: … Timestamp: …` in
 * `error_description`, with `error_codes`, `trace_id`, `correlation_id` and `error_uri` beside it, as login.microsoftonline.com answers.
 */
export function aadstsError(
  status: number,
  error: string,
  code: number,
  message: string,
  now: number,
  correlationId: string = randomUUID(),
): Reply {
  const traceId = randomUUID();
  const timestamp = entraTimestamp(now);
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
