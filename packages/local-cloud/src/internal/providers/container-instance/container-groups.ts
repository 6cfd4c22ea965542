import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json, jsonBody } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { parseIpv4, parseIpv4Prefix } from '../../subnet-addressing/ipv4-prefix.js';
import { allocatePrivateIp } from '../../subnet-addressing/private-ip-allocation.js';
import { findSubnet, subnetPrefixTexts, takenIn } from '../../subnet-addressing/subnet-users.js';
import {
  acceptOperation,
  findOperation,
  type LongRunningProtocol,
  type OperationRequest,
} from '../../arm/long-running.js';
import type { LongRunningOperation } from '../../arm/resource-store.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { withoutWriteOnly } from '../../arm/write-only.js';
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
 * Container Instance's operations: `Azure-AsyncOperation` at
 * `/subscriptions/{s}/providers/Microsoft.ContainerInstance/locations/{l}/operations/{id}`, Retry-After at least 1 s.
 */
const containerProtocol: LongRunningProtocol = {
  newId: () => randomUUID(),
  pollHeaders: (at) => ({
    'azure-asyncoperation': `${at.resourceManager}subscriptions/${at.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${at.location}/operations/${at.id}?api-version=${at.apiVersion}`,
  }),
  retryAfter: { floor: 1, cap: Infinity },
};

/** The operation of a group write or state change: its result body names it with its start and end times. */
function groupOperation(
  context: ArmContext,
  address: GroupAddress,
  location: string,
  complete: () => void,
): { protocol: LongRunningProtocol; request: OperationRequest } {
  const result = (operation: LongRunningOperation) => ({
    id: `${address.id}/operations/${operation.id}`,
    name: operation.id,
    status: 'Succeeded',
    startTime: new Date(context.now() - (operation.completesAt - operation.startedAt)).toISOString(),
    endTime: new Date(context.now()).toISOString(),
  });
  const { subscriptionId } = address;
  return { protocol: containerProtocol, request: { subscriptionId, location, complete, result } };
}

/** `GET …/locations/{l}/operations/{id}`: `{ status: InProgress | Succeeded }` with the operation's times. */
export function serveContainerOperation(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined)
    return armError(404, 'OperationNotFound', `The operation '${id}' was not found.`);
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
    // Only groups in this subnet hold its addresses: another network may reuse the same prefix.
    const subnets = (other.properties.subnetIds as { id?: string }[] | undefined) ?? [];
    if (!subnets.some((s) => s.id?.toLowerCase() === subnet.id.toLowerCase())) continue;
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

function invalidGroupBody(body: unknown, name: string): Reply | undefined {
  const fields = body as Json | undefined;
  if (fields === undefined || typeof fields.location !== 'string') {
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const containers = ((fields.properties ?? {}) as Json).containers as Json[] | undefined;
  if ((containers ?? []).length === 0) {
    return armError(
      400,
      'NoContainersInContainerGroup',
      `The container group '${name}' must have at least one container.`,
    );
  }
  return undefined;
}

/** The group's record: Pending, with a private IP in its delegated subnet when it has one. */
function groupRecord(
  context: ArmContext,
  address: GroupAddress,
  body: Json & { location: string },
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const properties = (body.properties ?? {}) as Json;
  const ip = allocateGroupAddress(context, address.id, body, existing);
  if (ip !== undefined && typeof ip !== 'string') return ip;
  const record: ResourceRecord = {
    id: existing?.id ?? address.id,
    name: address.name,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location: normaliseLocation(body.location),
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
  return record;
}

/** PUT a container group: long-running; Pending until its operation ends, then Running with its private IP. */
export function putContainerGroup(exchange: Exchange, context: ArmContext, address: GroupAddress): Reply {
  const running = (record: ResourceRecord) => () => {
    record.properties.provisioningState = 'Succeeded';
    setState(record, 'Running', context.now());
  };
  return servePut<Json & { location: string }, ResourceRecord>(exchange, context, {
    validate: (body) => invalidGroupBody(body, address.name),
    ...inResourceMap(context, address.id),
    build: (body, existing) => groupRecord(context, address, body, existing),
    operation: (record) => groupOperation(context, address, record.location!, running(record)),
    present: withoutWriteOnly,
  });
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
  const running = () => setState(record, 'Running', context.now());
  const { protocol, request } = groupOperation(context, address, record.location!, running);
  return acceptOperation(exchange, context, protocol, request);
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
  return json(200, withoutWriteOnly(record));
}

/** GET one group, or list them under a scope. */
export function readGroups(context: ArmContext, address: GroupAddress | { scope: string }): Reply {
  if ('scope' in address) {
    const value = context.store
      .resourcesUnder(address.scope)
      .filter((r) => r.type === 'Microsoft.ContainerInstance/containerGroups');
    return json(200, { value: value.map(withoutWriteOnly) });
  }
  const record = findGroup(context, address);
  return 'status' in record || 'reset' in record ? (record as Reply) : json(200, withoutWriteOnly(record));
}

/** The ports the containers of a group expose, as IpAddress lists them (`protocol` defaults to TCP). */
function containerPorts(properties: Json): { port: number; protocol: string }[] {
  const containers = (properties.containers as { properties?: { ports?: Json[] } }[] | undefined) ?? [];
  const ports = containers.flatMap((c) => c.properties?.ports ?? []);
  return ports.map((p) => ({ port: Number(p.port), protocol: String(p.protocol ?? 'TCP') }));
}
