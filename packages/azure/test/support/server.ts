import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestTls } from './tls.js';

/** A request as the test server received it. */
export interface SeenRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** What a route answers: status, JSON (or raw text) body and headers. */
export interface Answer {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Route = (request: SeenRequest) => Answer | undefined;

/** A real HTTPS server on 127.0.0.1 that answers from `route` and records every request. */
export interface TestServer {
  origin: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startTestServer(tls: TestTls, route: Route): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer(
    { key: tls.key, cert: tls.cert },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'https://127.0.0.1');
        const request: SeenRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        seen.push(request);
        const answer = route(request) ?? {
          status: 404,
          json: { error: { code: 'NotFound', message: `no route ${url.pathname}` } },
        };
        const body = answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
        res.writeHead(answer.status, {
          'content-type': answer.text === undefined ? 'application/json' : 'text/html',
          ...answer.headers,
        });
        res.end(body);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A logger that keeps its lines, to assert what the package logs (and what it must not). */
export function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warning: at('warning'),
    error: at('error'),
    group: <T>(_title: string, body: () => Promise<T>) => body(),
  };
}

/** An unsigned JWT with the given claims: the shape of a runner's ID token, for tests that only carry it. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}
