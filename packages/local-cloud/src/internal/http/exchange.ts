import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { parseLenientJson } from './lenient-json.js';

/** One parsed request, with the ids ARM echoes and the principal once authenticated. */
export interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  bodyText: string;
  /** The body's bytes as sent, for a route that takes a file (a release asset upload); absent on calls made inside. */
  bodyBytes?: Buffer;
  requestId: string;
  correlationId: string;
  startedAt: number;
  /** Object id (or client id) of the caller, once a token identified it. */
  principal?: string;
  /** Tenant of the caller's token, once authenticated. */
  tenantId?: string;
  /** The application (client) id of the caller's token, once authenticated. */
  clientId?: string;
  /**
   * The ARM service that makes this call on the caller's behalf, by its resource id (a deployment stack running its
   * own deployment). Only calls the cloud makes itself carry it; a client's request never does.
   */
  actingFor?: string;
}

/**
 * What a route answers: a status with headers and a JSON, text or binary (a Buffer, sent as it is: a downloaded
 * release asset) body, or a dropped connection.
 */
export type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | { reset: true };

/** Reads a request fully and parses its URL. */
export async function readExchange(request: IncomingMessage, startedAt: number): Promise<Exchange> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  // SDKs join the host and a resource id that starts with '/', so paths may begin with '//'.
  const url = new URL((request.url ?? '/').replace(/^\/+/, '/'), 'https://127.0.0.1');
  const bytes = Buffer.concat(chunks);
  const clientCorrelation = request.headers['x-ms-correlation-request-id'];
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: request.headers,
    bodyText: bytes.toString('utf8'),
    bodyBytes: bytes,
    requestId: randomUUID(),
    correlationId:
      typeof clientCorrelation === 'string' && clientCorrelation ? clientCorrelation : randomUUID(),
    startedAt,
  };
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

/** Parses the request body as ARM's lenient JSON reader does, or answers undefined when it is not JSON. */
export function jsonBody(exchange: Exchange): unknown {
  if (!exchange.bodyText) return undefined;
  try {
    return parseLenientJson(exchange.bodyText);
  } catch {
    return undefined;
  }
}
