import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Where the runner hands out ID tokens: `ACTIONS_ID_TOKEN_REQUEST_URL` and its bearer token. */
export interface IdTokenEndpoint {
  url: string;
  requestToken: string;
  /** The runner's proxy settings (`https_proxy`, `no_proxy` and their upper-case forms). */
  env: NodeJS.ProcessEnv;
}

/** Answers that a new attempt may cure: the service or a gateway was briefly unavailable. */
const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);
const attempts = 4;

/** The proxy a request to `url` goes through, unless it is loopback or `no_proxy` names its host. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const matches = (entry: string) => {
    if (entry === '*') return true;
    if (entry.includes(':')) return entry === `${host}:${port}`;
    const domain = entry.replace(/^\*?\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  };
  const noProxy = (env.no_proxy || env.NO_PROXY || '').split(',').map((entry) => entry.trim().toLowerCase());
  const bypassed = noProxy.filter((entry) => entry !== '').some(matches);
  const proxy =
    url.protocol === 'https:' ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY;
  if (bypassed || !proxy) return undefined;
  return new URL(/^https?:\/\//.test(proxy) ? proxy : `http://${proxy}`);
}

/** A TLS socket to `url`'s host through `proxy`'s CONNECT tunnel. */
function tunnel(url: URL, proxy: URL): Promise<Socket> {
  const target = `${url.hostname}:${url.port || 443}`;
  const headers: Record<string, string> = { host: target };
  if (proxy.username)
    headers['proxy-authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const connect = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
    host: proxy.hostname,
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: target,
    headers,
  });
  return new Promise((resolve, reject) => {
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(
          new Error(`the proxy ${proxy.host} refused to tunnel to ${target} (HTTP ${response.statusCode})`),
        );
        return;
      }
      resolve(tlsConnect({ socket, servername: url.hostname }));
    });
    connect.once('error', reject);
    connect.end();
  });
}

/** One GET of `url`: its status and body. */
async function get(url: URL, headers: Record<string, string>, env: NodeJS.ProcessEnv) {
  const proxy = url.protocol === 'https:' ? proxyFor(url, env) : undefined;
  const socket = proxy ? await tunnel(url, proxy) : undefined;
  const options: RequestOptions = {
    method: 'GET',
    headers,
    ...(socket ? { createConnection: () => socket } : {}),
  };
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.once('error', reject);
    request.end();
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The runner's ID token for `audience`: a GET of the request URL with `audience` added, authorised by the request
 * token, through the runner's proxy, retried with backoff on a network error or an answer a retry may cure.
 */
export async function requestIdToken(endpoint: IdTokenEndpoint, audience: string): Promise<string> {
  const url = new URL(endpoint.url);
  url.searchParams.set('audience', audience);
  const headers = { authorization: `Bearer ${endpoint.requestToken}`, accept: 'application/json' };
  let failure = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await pause(250 * 2 ** (attempt - 2));
    try {
      const { status, body } = await get(url, headers, endpoint.env);
      if (status === 200) return tokenIn(body);
      failure = `HTTP ${status}`;
      if (!retryableStatuses.has(status)) break;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
  }
  throw new Error(
    `The runner gave no ID token (${failure}): check that the job has \`permissions: id-token: write\`.`,
  );
}

function tokenIn(body: string): string {
  let value: unknown;
  try {
    value = (JSON.parse(body) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '')
    throw new Error('The runner answered the ID token request without a token: run the job again.');
  return value;
}
