import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudRuntime } from '../cloud-runtime.js';
import type { CloudPlugin, HttpMount } from '../cloud-plugin.js';
import { armAudience } from '../cloud-runtime.js';
import { serveArm } from '../arm/arm-pipeline.js';
import { armError } from '../arm/arm-error.js';
import { missingApiVersion } from '../arm/api-versions.js';
import { legacyMetadataEndpoints, metadataEndpoints } from '../arm/metadata-endpoints.js';
import { serveAdmin } from '../control/admin-routes.js';
import { isAuthorityPath } from '../identity/entra-authority.js';
import { json, readExchange, type Exchange, type Reply } from './exchange.js';

type Served = Reply & { operation?: string };

async function route(exchange: Exchange, runtime: CloudRuntime): Promise<Served> {
  const { path } = exchange;
  if (path.startsWith('/_admin/'))
    return serveAdmin(exchange, path.slice('/_admin'.length), runtime.adminContext());
  if (path === '/metadata/endpoints') return metadata(exchange, runtime);
  if (path.startsWith('/github-actions/')) {
    return (
      (await runtime.github.handle(exchange, path.slice('/github-actions'.length))) ?? notFound(exchange)
    );
  }
  if (path.startsWith('/azure-devops/')) {
    return (
      (await runtime.azureDevOps.handle(exchange, path.slice('/azure-devops'.length))) ?? notFound(exchange)
    );
  }
  if (isAuthorityPath(path)) return serveToken(exchange, runtime);
  const mounted = mountOf(runtime.plugins, path);
  if (mounted !== undefined) {
    const { mount, subPath } = mounted;
    return (await mount.serve?.(exchange, subPath, runtime.mountContext())) ?? notFound(exchange);
  }
  return serveArm(exchange, runtime.armContext());
}

/** The plug-in mount whose prefix the path lies under, with the rest of the path. */
export function mountOf(
  plugins: readonly CloudPlugin[],
  path: string,
): { mount: HttpMount; subPath: string } | undefined {
  for (const { mount } of plugins) {
    if (mount === undefined) continue;
    if (path === mount.prefix || path.startsWith(`${mount.prefix}/`))
      return { mount, subPath: path.slice(mount.prefix.length) };
  }
  return undefined;
}

/** The cloud definition: a list of clouds from api-version 2019-05-01 on, the Azure Stack object before. */
function metadata(exchange: Exchange, runtime: CloudRuntime): Reply {
  const version = exchange.query.get('api-version');
  if (!version) return missingApiVersion();
  const endpoints = {
    name: 'LocalCloud',
    resourceManager: runtime.resourceManager,
    authorityHost: runtime.authorityHost,
    audience: armAudience,
  };
  return json(
    200,
    version < '2019-05-01' ? legacyMetadataEndpoints(endpoints) : metadataEndpoints(endpoints),
  );
}

async function serveToken(exchange: Exchange, runtime: CloudRuntime): Promise<Served> {
  const fault = runtime.faults.take(exchange.method, exchange.path, 'token', ['status', 'reset']);
  if (fault?.kind === 'reset') return { reset: true };
  if (fault?.kind === 'status') {
    const retry: Record<string, string> =
      fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    return {
      ...json(
        fault.status,
        { error: 'temporarily_unavailable', error_description: 'Fault injected by the local cloud.' },
        retry,
      ),
      operation: 'token',
    };
  }
  if (runtime.latencies.tokenMs > 0) await sleep(runtime.latencies.tokenMs);
  return { ...(await runtime.authority.handle(exchange)), operation: 'token' };
}

function notFound(exchange: Exchange): Reply {
  return armError(404, 'NotFound', `Nothing is served at '${exchange.path}'.`);
}

/** The etag condition a request carried, so tests can see that concurrent writers sent one. */
function precondition(exchange: Exchange): { precondition?: string } {
  const ifMatch = exchange.headers['if-match'];
  const ifNoneMatch = exchange.headers['if-none-match'];
  if (ifMatch !== undefined) return { precondition: `If-Match: ${ifMatch}` };
  if (ifNoneMatch !== undefined) return { precondition: `If-None-Match: ${ifNoneMatch}` };
  return {};
}

/** Answers one HTTPS request: routes it, writes the reply with ARM's request-id headers, records the call. */
export async function dispatch(
  request: IncomingMessage,
  response: ServerResponse,
  runtime: CloudRuntime,
): Promise<void> {
  const startedAt = performance.now();
  const exchange = await readExchange(request, startedAt);
  let served: Served;
  try {
    served = await route(exchange, runtime);
  } catch (error) {
    served = armError(500, 'InternalServerError', `The local cloud failed: ${(error as Error).message}`);
  }
  const record = {
    time: new Date(runtime.clock.now()).toISOString(),
    method: exchange.method,
    path: exchange.path,
    latencyMs: Math.round((performance.now() - startedAt) * 100) / 100,
    principal: exchange.principal,
    operation: served.operation ?? 'other',
    requestId: exchange.requestId,
    correlationId: exchange.correlationId,
    ...precondition(exchange),
  };
  if (!exchange.path.startsWith('/_admin/'))
    runtime.calls.add({ ...record, status: 'reset' in served ? 'reset' : served.status });
  if ('reset' in served) {
    request.socket.destroy();
    return;
  }
  writeReply(response, exchange, served);
}

function writeReply(
  response: ServerResponse,
  exchange: Exchange,
  reply: Exclude<Reply, { reset: true }>,
): void {
  const binary = Buffer.isBuffer(reply.body);
  const text: string | Buffer =
    reply.body === undefined
      ? ''
      : typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
        ? reply.body
        : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'x-ms-request-id': exchange.requestId,
    'x-ms-correlation-request-id': exchange.correlationId,
    'x-ms-routing-request-id': `LOCALCLOUD:${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z:${exchange.requestId}`,
    ...(typeof exchange.headers['x-ms-client-request-id'] === 'string'
      ? { 'x-ms-client-request-id': exchange.headers['x-ms-client-request-id'] }
      : {}),
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    expires: '-1',
    ...(text.length > 0 && !binary ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...(binary ? { 'content-type': 'application/octet-stream' } : {}),
    'content-length': String(Buffer.byteLength(text)),
    ...reply.headers,
  });
  response.end(exchange.method === 'HEAD' ? undefined : text);
}
