import { request } from 'node:https';
import tls from 'node:tls';

/** A raw HTTPS answer from the local cloud. */
export interface CloudResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Sends one HTTPS request that trusts only the cloud's CA (`caPem`); the body is sent as JSON and the answer parsed
 * as JSON when it is JSON. For tests and tools that need ARM's raw status and headers.
 */
export function cloudRequest(
  caPem: string,
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<CloudResponse> {
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: caPem,
        agent: false,
        headers: { ...(text ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let body: unknown = raw;
          try {
            body = raw ? JSON.parse(raw) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/**
 * Makes every TLS client of this process (the Azure SDK, MSAL, @actions/http-client) trust the cloud's CA in
 * addition to the default roots: the in-process equivalent of NODE_EXTRA_CA_CERTS (Node ≥ 22.15 / 23.9).
 */
export function trustCloudCa(caPem: string): void {
  const current = tls.getCACertificates('default');
  if (!current.includes(caPem)) tls.setDefaultCACertificates([...current, caPem]);
}
