import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json, jsonBody } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { serveDelete } from '../../arm/resource-delete.js';
import { servePut } from '../../arm/resource-put.js';
import { withoutNullMembers } from '../../arm/null-members.js';
import { withoutWriteOnly } from '../../arm/write-only.js';
import { computeOperation } from './compute-operation.js';
import { checkScaleSetSubnets, instancesOf, removeInstance, scaleTo } from './scale-set-instances.js';

type Json = Record<string, unknown>;

/**
 * The scale set as GET answers it: `osProfile.customData` and `adminPassword` are write-only in Compute, so they are
 * left out here while the stored record keeps them (customData at
 * `properties.virtualMachineProfile.osProfile.customData`, for the fabric).
 */
export function presentScaleSet(record: ResourceRecord): ResourceRecord {
  return withoutWriteOnly(record);
}

function invalidBody(body: unknown): Reply | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return armError(400, 'InvalidRequestFormat', 'The request body of a scale set must be a JSON object.');
  const fields = body as Json;
  if (typeof fields.location !== 'string' || fields.location === '')
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const capacity = (fields.sku as { capacity?: unknown } | undefined)?.capacity;
  if (capacity !== undefined && (!Number.isInteger(capacity) || (capacity as number) < 0))
    return armError(
      400,
      'InvalidParameter',
      `The value ${JSON.stringify(capacity)} of parameter 'sku.capacity' is not valid: give a whole number from 0 up.`,
    );
  const os = ((fields.properties as Json | undefined)?.virtualMachineProfile as Json | undefined)
    ?.osProfile as Json | undefined;
  if (
    os?.customData !== undefined &&
    (typeof os.customData !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(os.customData))
  )
    return armError(
      400,
      'InvalidParameter',
      "The value of parameter 'osProfile.customData' is invalid: it must be a base64-encoded string.",
    );
  return undefined;
}

/**
 * PUT a scale set (long-running, Compute's protocol): the instances follow `sku.capacity`, each with NICs in the
 * subnets of the model joined to its load balancer pools; `Creating`/`Updating` until the operation ends.
 */
export function putScaleSet(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return writeScaleSet(exchange, context, address, jsonBody(exchange));
}

/** Merges one level of `patch` over `base`, objects within it merged one level further (profiles). */
function mergeOver(base: Json, patch: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const before = base[key];
    const both = [before, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    merged[key] = both ? { ...(before as Json), ...(value as Json) } : value;
  }
  return merged;
}

/**
 * PATCH a scale set (what `az vmss scale` sends): sku, tags and properties merged over the stored model (which
 * still holds customData), then written as a PUT would be.
 */
export function patchScaleSet(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  const existing = context.store.resources.get(address.id.toLowerCase());
  if (existing === undefined)
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${address.name}' under resource group '${address.resourceGroup}' was not found.`,
    );
  const patch = (withoutNullMembers(jsonBody(exchange)) ?? {}) as Json;
  const fields: Json = {
    location: existing.location,
    tags: patch.tags ?? existing.tags,
    sku: { ...(existing.sku as Json), ...((patch.sku as Json | undefined) ?? {}) },
    properties: mergeOver(existing.properties, (patch.properties as Json | undefined) ?? {}),
  };
  return writeScaleSet(exchange, context, address, fields);
}

/** The scale set's record from the request: Compute's defaults under it, its etag counter advanced. */
function scaleSetRecord(
  context: ArmContext,
  address: ResourceAddress,
  fields: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const properties = (fields.properties as Json | undefined) ?? {};
  const record: ResourceRecord = {
    id: existing?.id ?? address.id,
    name: address.name,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: normaliseLocation(String(fields.location)),
    ...(fields.tags === undefined ? {} : { tags: fields.tags as Record<string, string> }),
    sku: { capacity: 0, ...((fields.sku as Json | undefined) ?? {}) },
    // Compute's etag (api-version 2023-09-01 on) is a quoted counter that every write advances.
    etag: `"${Number(/^"(\d+)"$/.exec(String(existing?.etag ?? ''))?.[1] ?? 0) + 1}"`,
    properties: {
      singlePlacementGroup: true,
      orchestrationMode: 'Uniform',
      overprovision: true,
      doNotRunExtensionsOnOverprovisionedVMs: false,
      platformFaultDomainCount: 5,
      ...properties,
      provisioningState: existing === undefined ? 'Creating' : 'Updating',
      uniqueId: (existing?.properties.uniqueId as string | undefined) ?? randomUUID(),
      timeCreated:
        (existing?.properties.timeCreated as string | undefined) ?? new Date(context.now()).toISOString(),
    },
  };
  return checkScaleSetSubnets(context, record) ?? record;
}

/** Stores the scale set and brings its instances to its capacity; on failure puts back what was there. */
function placeScaleSet(
  context: ArmContext,
  record: ResourceRecord,
  existing: ResourceRecord | undefined,
): Reply | undefined {
  const key = record.id.toLowerCase();
  context.store.resources.set(key, record);
  const failed = scaleTo(context, record, (record.sku as { capacity: number }).capacity);
  if (failed === undefined) return undefined;
  if (existing === undefined) deleteNow(context, record);
  else context.store.resources.set(key, existing);
  return failed;
}

function writeScaleSet(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
  body: unknown,
): Reply {
  const done = (record: ResourceRecord) => () => {
    record.properties.provisioningState = 'Succeeded';
  };
  return servePut<Json, ResourceRecord>(exchange, context, {
    body,
    validate: invalidBody,
    find: () => context.store.resources.get(address.id.toLowerCase()),
    build: (fields, existing) => scaleSetRecord(context, address, fields, existing),
    save: (record, existing) => placeScaleSet(context, record, existing),
    operation: (record) => computeOperation(address, record.location!, done(record)),
    present: presentScaleSet,
  });
}

function deleteNow(context: ArmContext, record: ResourceRecord): void {
  for (const instance of instancesOf(context, record.id)) removeInstance(context, instance);
  context.store.resources.delete(record.id.toLowerCase());
}

/** DELETE a scale set: 202 (Compute's operation and Location), then its instances, NICs and memberships go. */
export function deleteScaleSet(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return serveDelete<ResourceRecord>(exchange, context, {
    find: () => context.store.resources.get(address.id.toLowerCase()),
    marksDeleting: true,
    operation: (record) => computeOperation(address, record.location!, () => deleteNow(context, record)),
  });
}

/** The minimal instance view of a scale set: the instance count per state, all running. */
export function scaleSetInstanceView(context: ArmContext, record: ResourceRecord): Reply {
  const count = instancesOf(context, record.id).length;
  const extensions = (
    ((record.properties.virtualMachineProfile as Json | undefined)?.extensionProfile as Json | undefined)
      ?.extensions as { name: string }[] | undefined
  )?.map((e) => ({
    name: e.name,
    statusesSummary: [{ code: 'ProvisioningState/succeeded', count }],
  }));
  return json(200, {
    virtualMachine: {
      statusesSummary: count === 0 ? [] : [{ code: 'ProvisioningState/succeeded', count }],
    },
    ...(extensions === undefined ? {} : { extensions }),
    statuses: [
      {
        code: `ProvisioningState/${String(record.properties.provisioningState).toLowerCase()}`,
        level: 'Info',
        displayStatus: `Provisioning ${String(record.properties.provisioningState).toLowerCase()}`,
      },
    ],
  });
}

/** The minimal instance view of one instance: provisioned and running. */
export function instanceView(instance: ResourceRecord): Reply {
  return json(200, {
    platformUpdateDomain: 0,
    platformFaultDomain: 0,
    computerName: (instance.properties.osProfile as Json | undefined)?.computerName,
    statuses: [
      { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded' },
      { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' },
    ],
  });
}
