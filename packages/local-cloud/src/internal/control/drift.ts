import { randomUUID } from 'node:crypto';
import { json, type Reply } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-provider.js';
import { routeArm } from '../arm/arm-router.js';
import { normaliseLocation } from '../arm/resource-groups.js';
import type { ResourceRecord } from '../arm/resource-store.js';
import { typeOfId } from '../arm/generic-resources.js';
import { defaultApiVersionFor } from '../arm/resource-providers.js';
import { FaultInjector } from './fault-injector.js';

type Json = Record<string, unknown>;

const groupPattern = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/i;

/** Where a stored record lives: a map entry, or an item inline in its parent's properties (a subnet). */
type Located =
  { kind: 'group' | 'resource'; record: Json } | { kind: 'inline'; record: Json; parent: ResourceRecord };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record stored under `id`: a resource group, a resource, or an item of an array of an ancestor's properties. */
function locate(context: ArmContext, id: string): Located | undefined {
  const key = id.toLowerCase();
  if (groupPattern.test(id)) {
    const group = context.store.resourceGroups.get(key);
    return group === undefined ? undefined : { kind: 'group', record: group as unknown as Json };
  }
  const record = context.store.resources.get(key);
  if (record !== undefined) return { kind: 'resource', record };
  // Children a provider keeps inside the parent's body (subnets, ipConfigurations, …): the nearest stored ancestor.
  const parts = key.split('/');
  for (let end = parts.length - 2; end >= 9; end -= 2) {
    const parent = context.store.resources.get(parts.slice(0, end).join('/'));
    if (parent === undefined) continue;
    for (const value of Object.values(parent.properties)) {
      if (!Array.isArray(value)) continue;
      const item = value.find((v) => isObject(v) && typeof v.id === 'string' && v.id.toLowerCase() === key);
      if (item !== undefined) return { kind: 'inline', record: item as Json, parent };
    }
    return undefined;
  }
  return undefined;
}

/** A new etag in the shape the record's provider writes: weak GUIDs (Network), counters (Compute), GUIDs (DNS). */
function nextEtag(etag: string): string {
  if (etag.startsWith('W/"')) return `W/"${randomUUID()}"`;
  const counter = /^"(\d+)"$/.exec(etag);
  if (counter !== null) return `"${Number(counter[1]) + 1}"`;
  return randomUUID();
}

/** RFC 7396 JSON merge patch: objects merge, `null` removes a member, anything else replaces. */
function mergePatch(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(target[key])) mergePatch(target[key], value);
    else target[key] = structuredClone(value);
  }
}

function failure(status: number, code: string, message: string): Reply {
  return json(status, { error: { code, message } });
}

function notFound(id: string): Reply {
  return failure(
    404,
    'NotFound',
    `The local cloud stores no resource or resource group with the id '${id}'.`,
  );
}

/** Writes `body` over a stored record in place (so pending operations still find it), keeping what identifies it. */
function rewrite(located: Located, body: Json, replace: boolean): Reply | undefined {
  const record = located.record;
  for (const member of ['id', 'name', 'type']) {
    const given = body[member];
    if (given !== undefined && String(given).toLowerCase() !== String(record[member]).toLowerCase())
      return failure(
        400,
        'InvalidAdminRequest',
        `The ${member} of a stored record cannot change out of band.`,
      );
  }
  const before = structuredClone(record);
  const updated: Json = replace ? { id: record.id, name: record.name, type: record.type } : before;
  mergePatch(updated, body);
  if (!isObject(updated.properties)) updated.properties = {};
  const properties = updated.properties as Json;
  const hadState = isObject(before.properties) && 'provisioningState' in before.properties;
  const givenState = isObject(body.properties) && 'provisioningState' in body.properties;
  // An out-of-band change is a finished one, unless the body says otherwise.
  if (hadState && !givenState) properties.provisioningState = 'Succeeded';
  if (typeof updated.location === 'string') updated.location = normaliseLocation(updated.location);
  if (typeof before.etag === 'string' && body.etag === undefined) updated.etag = nextEtag(before.etag);
  for (const member of Object.keys(record)) delete record[member];
  Object.assign(record, updated);
  if (located.kind === 'inline' && typeof located.parent.etag === 'string')
    located.parent.etag = nextEtag(located.parent.etag);
  return undefined;
}

/**
 * Deletes through the owning provider's own handler (so it releases addresses, back-references and children as an
 * ARM delete does), with no faults and no latency, and completes its operation at once.
 */
function deleteThroughProvider(context: ArmContext, id: string): Reply {
  const quiet: ArmContext = {
    ...context,
    faults: new FaultInjector([]),
    latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 },
  };
  const isGroup = groupPattern.test(id);
  const exchange = {
    method: 'DELETE',
    path: id,
    query: new URLSearchParams({
      'api-version': defaultApiVersionFor(
        context,
        isGroup ? 'Microsoft.Resources/resourceGroups' : typeOfId(id),
      ),
    }),
    headers: {},
    bodyText: '',
    requestId: randomUUID(),
    correlationId: randomUUID(),
    startedAt: performance.now(),
  };
  const reply = routeArm(exchange, quiet)?.run();
  if (reply === undefined || 'reset' in reply)
    return failure(400, 'InvalidAdminRequest', `No provider deletes '${id}'.`);
  if (reply.status >= 400) {
    const message = (reply.body as { error?: { message?: string } } | undefined)?.error?.message;
    return failure(
      409,
      'DeleteRefused',
      `The provider refused to delete '${id}': ${message ?? reply.status}`,
    );
  }
  context.store.settle(context.now());
  return { status: 204 };
}

/**
 * The admin API's out-of-band access to stored records (`/_admin/resources/{id}`): GET the stored record, PATCH
 * (JSON merge patch) or PUT (replace) its body, DELETE it. Nothing passes ARM's pipeline: no call log, throttle,
 * faults, latency or long-running operation. Etags change and provisioningState stays Succeeded, as after a
 * finished ARM write; the fabric reads the store, so it sees the change as it sees an ARM one.
 */
export function serveDrift(method: string, id: string, body: unknown, context: ArmContext): Reply {
  context.store.settle(context.now());
  if (method === 'DELETE')
    return locate(context, id) === undefined ? notFound(id) : deleteThroughProvider(context, id);
  const located = locate(context, id);
  if (located === undefined) return notFound(id);
  if (method === 'GET') return json(200, located.record);
  if (!isObject(body))
    return failure(400, 'InvalidAdminRequest', `A ${method} of a stored record needs a JSON object body.`);
  const refused = rewrite(located, body, method === 'PUT');
  return refused ?? json(200, located.record);
}
