import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import type { ArmContext } from '../arm/arm-context.js';
import { armError } from '../arm/arm-error.js';
import { normaliseLocation } from '../arm/resource-groups.js';
import type { ResourceRecord } from '../arm/resource-store.js';
import { parseIpv4, parseIpv4Prefix } from '../network/ipv4-prefix.js';
import { findSubnet, takenIn } from '../network/network-interfaces.js';
import { allocatePrivateIp } from '../network/private-ip-allocation.js';
import { subnetPrefixTexts } from '../network/subnet-prefixes.js';
import { execSessionsOf } from './exec-sessions.js';

type Json = Record<string, unknown>;

/** Where a container group call points. */
export interface GroupAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  id: string;
}

/** The state a group and its containers report in `instanceView`. */
type GroupState = 'Pending' | 'Running' | 'Stopped';

/**
 * Starts a Container Instance operation: `Azure-AsyncOperation` at
 * `/subscriptions/{s}/providers/Microsoft.ContainerInstance/locations/{l}/operations/{id}`.
 */
function startOperation(
  exchange: Exchange,
  context: ArmContext,
  address: GroupAddress,
  location: string,
  complete: () => void,
): Record<string, string> {
  const slow = context.faults.take(exchange.method, exchange.path, 'longRunning', ['slowLongRunning']);
  const durationMs = slow?.kind === 'slowLongRunning' ? slow.durationMs : context.latencies.longRunningMs;
  const id = randomUUID();
  context.store.operations.set(id, {
    id,
    subscriptionId: address.subscriptionId.toLowerCase(),
    completesAt: context.now() + durationMs,
    status: 'InProgress',
    complete,
    result: () => ({
      id: `${address.id}/operations/${id}`,
      name: id,
      status: 'Succeeded',
      startTime: new Date(context.now() - durationMs).toISOString(),
      endTime: new Date(context.now()).toISOString(),
    }),
  });
  return {
    'azure-asyncoperation': `${context.resourceManager}subscriptions/${address.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${location}/operations/${id}?api-version=${exchange.query.get('api-version') ?? ''}`,
    'retry-after': String(Math.max(1, Math.ceil(durationMs / 1000))),
  };
}

/** `GET …/locations/{l}/operations/{id}`: `{ status: InProgress | Succeeded }` with the operation's times. */
export function serveContainerOperation(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = context.store.operations.get(id);
  if (operation === undefined || operation.subscriptionId !== subscriptionId.toLowerCase()) {
    return armError(404, 'OperationNotFound', `The operation '${id}' was not found.`);
  }
  if (operation.status === 'InProgress')
    return json(200, { name: id, status: 'InProgress' }, { 'retry-after': '1' });
  return json(200, operation.result?.() ?? { name: id, status: 'Succeeded' });
}

function setState(record: ResourceRecord, state: GroupState, now: number): void {
  const at = new Date(now).toISOString();
  record.properties.instanceView = { events: [], state };
  for (const container of (record.properties.containers as Json[] | undefined) ?? []) {
    const properties = (container.properties ?? {}) as Json;
    const previous = (properties.instanceView as { restartCount?: number } | undefined)?.restartCount ?? 0;
    properties.instanceView = {
      restartCount: previous,
      currentState:
        state === 'Running'
          ? { state: 'Running', startTime: at, detailStatus: '' }
          : state === 'Stopped'
            ? { state: 'Terminated', finishTime: at, detailStatus: 'Stopped', exitCode: 137 }
            : { state: 'Waiting', detailStatus: 'Pending' },
      events: [],
    };
    container.properties = properties;
  }
}

/** The private address of a group in its delegated subnet (the subnet must be delegated to container groups). */
function allocateGroupAddress(
  context: ArmContext,
  id: string,
  body: Json,
  previous: ResourceRecord | undefined,
): string | Reply | undefined {
  const subnetIds = ((body.properties as Json | undefined)?.subnetIds as { id?: string }[] | undefined) ?? [];
  const subnetId = subnetIds[0]?.id;
  if (subnetId === undefined) return undefined;
  const subnet = findSubnet(context, subnetId);
  const prefix = subnet === undefined ? undefined : parseIpv4Prefix(subnetPrefixTexts(subnet)[0] ?? '');
  if (subnet === undefined || prefix === undefined || typeof prefix === 'string') {
    return armError(
      400,
      'InvalidSubnetId',
      `The subnet '${subnetId}' of container group '${id.split('/').pop()}' was not found.`,
    );
  }
  const delegations =
    (subnet.properties.delegations as { properties?: { serviceName?: string } }[] | undefined) ?? [];
  if (
    !delegations.some(
      (d) => d.properties?.serviceName?.toLowerCase() === 'microsoft.containerinstance/containergroups',
    )
  ) {
    return armError(
      400,
      'SubnetNotDelegated',
      `The subnet '${subnetId}' must be delegated to 'Microsoft.ContainerInstance/containerGroups' to host a container group.`,
    );
  }
  const taken = takenIn(context, subnet, id);
  for (const other of context.store.resources.values()) {
    if (
      other.type !== 'Microsoft.ContainerInstance/containerGroups' ||
      other.id.toLowerCase() === id.toLowerCase()
    )
      continue;
    const ip = parseIpv4((other.properties.ipAddress as { ip?: string } | undefined)?.ip ?? '');
    if (ip !== undefined) taken.set(ip, other.id);
  }
  const keep = (previous?.properties.ipAddress as { ip?: string } | undefined)?.ip;
  return allocatePrivateIp(
    { method: 'Dynamic', ...(keep ? { keep } : {}) },
    { id: subnet.id, prefix },
    taken,
    `${id}/ipAddress`,
  );
}

/** PUT a container group: long-running; Pending until its operation ends, then Running with its private IP. */
export function putContainerGroup(exchange: Exchange, context: ArmContext, address: GroupAddress): Reply {
  const body = jsonBody(exchange) as Json | undefined;
  if (body === undefined || typeof body.location !== 'string') {
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const properties = (body.properties ?? {}) as Json;
  const containers = (properties.containers as Json[] | undefined) ?? [];
  if (containers.length === 0) {
    return armError(
      400,
      'NoContainersInContainerGroup',
      `The container group '${address.name}' must have at least one container.`,
    );
  }
  const existing = context.store.resources.get(address.id.toLowerCase());
  const ip = allocateGroupAddress(context, address.id, body, existing);
  if (ip !== undefined && typeof ip !== 'string') return ip;
  const location = normaliseLocation(body.location);
  const record: ResourceRecord = {
    id: existing?.id ?? address.id,
    name: address.name,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location,
    ...(body.tags ? { tags: body.tags as Record<string, string> } : {}),
    properties: {
      sku: 'Standard',
      osType: 'Linux',
      restartPolicy: 'Always',
      ...structuredClone(properties),
      provisioningState: 'Pending',
      ...(ip === undefined
        ? {}
        : {
            // IpAddress requires `ports`: the group's exposed ports, those of its containers when not given.
            ipAddress: {
              ports: containerPorts(properties),
              ...((properties.ipAddress as Json | undefined) ?? {}),
              type: 'Private',
              ip,
            },
          }),
    },
  };
  setState(record, 'Pending', context.now());
  context.store.resources.set(address.id.toLowerCase(), record);
  const headers = startOperation(exchange, context, address, location, () => {
    record.properties.provisioningState = 'Succeeded';
    setState(record, 'Running', context.now());
  });
  return json(existing === undefined ? 201 : 200, structuredClone(record), headers);
}

function findGroup(context: ArmContext, address: GroupAddress): ResourceRecord | Reply {
  return (
    context.store.resources.get(address.id.toLowerCase()) ??
    armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.ContainerInstance/containerGroups/${address.name}' under resource group '${address.resourceGroup}' was not found.`,
    )
  );
}

/** POST start (long-running), stop (immediate) or restart (long-running). */
export function changeGroupState(
  exchange: Exchange,
  context: ArmContext,
  address: GroupAddress,
  action: string,
): Reply {
  const record = findGroup(context, address);
  if ('status' in record || 'reset' in record) return record as Reply;
  if (action === 'stop') {
    setState(record, 'Stopped', context.now());
    return { status: 204 };
  }
  setState(record, 'Pending', context.now());
  const headers = startOperation(exchange, context, address, record.location!, () =>
    setState(record, 'Running', context.now()),
  );
  return { status: 202, headers };
}

/** POST exec: the websocket URI and password of a session that runs the command in the group. */
export function execInGroup(
  exchange: Exchange,
  context: ArmContext,
  address: GroupAddress,
  container: string,
): Reply {
  const record = findGroup(context, address);
  if ('status' in record || 'reset' in record) return record as Reply;
  const known = ((record.properties.containers as { name?: string }[] | undefined) ?? []).some(
    (c) => c.name === container,
  );
  if (!known)
    return armError(
      404,
      'ContainerNotFound',
      `The container '${container}' does not exist in container group '${address.name}'.`,
    );
  const state = (record.properties.instanceView as { state?: string } | undefined)?.state;
  if (state !== 'Running') {
    return armError(
      409,
      'ContainerGroupNotRunning',
      `The container group '${address.name}' is ${state ?? 'not running'}: start it before running a command in it.`,
    );
  }
  const body = (jsonBody(exchange) ?? {}) as { command?: unknown };
  if (typeof body.command !== 'string' || body.command.trim() === '') {
    return armError(400, 'InvalidCommand', 'The exec request needs a command.');
  }
  const baseUrl = context.resourceManager.replace(/\/$/, '');
  return json(200, execSessionsOf(context.store).create(baseUrl, record.id, container, body.command));
}

/** DELETE a container group: 200 with its last state, 204 when absent. */
export function deleteContainerGroup(context: ArmContext, address: GroupAddress): Reply {
  const record = context.store.resources.get(address.id.toLowerCase());
  if (record === undefined) return { status: 204 };
  context.store.resources.delete(address.id.toLowerCase());
  return json(200, record);
}

/** GET one group, or list them under a scope. */
export function readGroups(context: ArmContext, address: GroupAddress | { scope: string }): Reply {
  if ('scope' in address) {
    const value = context.store
      .resourcesUnder(address.scope)
      .filter((r) => r.type === 'Microsoft.ContainerInstance/containerGroups');
    return json(200, { value });
  }
  const record = findGroup(context, address);
  return 'status' in record || 'reset' in record ? (record as Reply) : json(200, record);
}

/** The ports the containers of a group expose, as IpAddress lists them (`protocol` defaults to TCP). */
function containerPorts(properties: Json): { port: number; protocol: string }[] {
  const containers = (properties.containers as { properties?: { ports?: Json[] } }[] | undefined) ?? [];
  const ports = containers.flatMap((c) => c.properties?.ports ?? []);
  return ports.map((p) => ({ port: Number(p.port), protocol: String(p.protocol ?? 'TCP') }));
}
