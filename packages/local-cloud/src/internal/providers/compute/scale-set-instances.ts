import { randomUUID } from 'node:crypto';
import type { Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { parseIpv4Prefix } from '../../subnet-addressing/ipv4-prefix.js';
import { findSubnet, relinkSubnets, takenIn } from '../../subnet-addressing/subnet-users.js';
import { newEtag } from '../../subnet-addressing/network-records.js';
import { allocatePrivateIp } from '../../subnet-addressing/private-ip-allocation.js';
import { subnetPrefixTexts } from '../../subnet-addressing/subnet-users.js';

type Json = Record<string, unknown>;
type NicConfiguration = { name: string; properties: Json & { ipConfigurations?: IpConfiguration[] } };
type IpConfiguration = { name: string; properties: Json & { subnet?: { id?: string } } };
type SubnetUser = { id: string; properties: { subnet: { id: string } } };

/** The type of a scale set instance record. */
export const instanceType = 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines';

/** Azure's computer name of an instance: the prefix and six base-36 digits of the instance id. */
export function computerNameOf(prefix: string, instanceId: number): string {
  return `${prefix}${instanceId.toString(36).padStart(6, '0')}`;
}

/** The instance records of a scale set, in instance id order. */
export function instancesOf(context: ArmContext, scaleSetId: string): ResourceRecord[] {
  const prefix = `${scaleSetId.toLowerCase()}/virtualmachines/`;
  return [...context.store.resources.entries()]
    .filter(([key, r]) => key.startsWith(prefix) && r.type === instanceType)
    .map(([, r]) => r)
    .sort((a, b) => Number(a.instanceId) - Number(b.instanceId));
}

/** The NIC records of one instance (`…/virtualMachines/{i}/networkInterfaces/{name}`). */
export function interfacesOf(context: ArmContext, instanceId: string): ResourceRecord[] {
  const prefix = `${instanceId.toLowerCase()}/networkinterfaces/`;
  return [...context.store.resources.entries()]
    .filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
    .map(([, r]) => r);
}

function ipUsersOf(nic: ResourceRecord): SubnetUser[] {
  return (nic.properties.ipConfigurations as SubnetUser[]).filter((c) => c.properties.subnet !== undefined);
}

function nicConfigurations(scaleSet: ResourceRecord): NicConfiguration[] {
  const profile = scaleSet.properties.virtualMachineProfile as Json | undefined;
  const network = profile?.networkProfile as
    { networkInterfaceConfigurations?: NicConfiguration[] } | undefined;
  return network?.networkInterfaceConfigurations ?? [];
}

/** Checks every ipConfiguration of the model names a subnet that exists, before anything is created. */
export function checkScaleSetSubnets(context: ArmContext, scaleSet: ResourceRecord): Reply | undefined {
  for (const nic of nicConfigurations(scaleSet)) {
    for (const config of nic.properties.ipConfigurations ?? []) {
      const subnetId = config.properties.subnet?.id ?? '';
      if (findSubnet(context, subnetId) === undefined) {
        return armError(
          400,
          'InvalidResourceReference',
          `Resource ${subnetId || '(no subnet id)'} referenced by resource ${scaleSet.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
      }
    }
  }
  return undefined;
}

function buildInterface(
  context: ArmContext,
  scaleSet: ResourceRecord,
  vmId: string,
  configuration: NicConfiguration,
  previous?: ResourceRecord,
): ResourceRecord | Reply {
  const nicId = `${vmId}/networkInterfaces/${configuration.name}`;
  const before = previous === undefined ? [] : ipUsersOf(previous);
  const configs: Json[] = [];
  for (const [index, request] of (configuration.properties.ipConfigurations ?? []).entries()) {
    const id = `${nicId}/ipConfigurations/${request.name}`;
    const subnet = findSubnet(context, request.properties.subnet?.id ?? '')!;
    const prefix = parseIpv4Prefix(subnetPrefixTexts(subnet)[0] ?? '');
    if (prefix === undefined || typeof prefix === 'string')
      return armError(400, 'InvalidResourceReference', `Subnet ${subnet.id} has no IPv4 address prefix.`);
    // An updated model keeps the address an ipConfiguration held in the same subnet.
    const held = before.find(
      (c) =>
        c.id.toLowerCase() === id.toLowerCase() &&
        c.properties.subnet.id.toLowerCase() === subnet.id.toLowerCase(),
    ) as { properties: { privateIPAddress?: string } } | undefined;
    const keep = held?.properties.privateIPAddress;
    const address = allocatePrivateIp(
      { method: 'Dynamic', ...(keep === undefined ? {} : { keep }) },
      { id: subnet.id, prefix },
      takenIn(context, subnet, nicId),
      id,
    );
    if (typeof address !== 'string') return address;
    const { subnet: _subnet, ...rest } = request.properties;
    configs.push({
      id,
      name: request.name,
      etag: newEtag(),
      type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
      properties: {
        ...rest,
        provisioningState: 'Succeeded',
        privateIPAddress: address,
        privateIPAllocationMethod: 'Dynamic',
        privateIPAddressVersion: 'IPv4',
        subnet: { id: subnet.id },
        primary: request.properties.primary ?? index === 0,
      },
    });
  }
  const { ipConfigurations: _configs, ...nicSettings } = configuration.properties;
  return {
    id: nicId,
    name: configuration.name,
    type: 'Microsoft.Network/networkInterfaces',
    location: scaleSet.location,
    etag: newEtag(),
    properties: {
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      ...nicSettings,
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
      ipConfigurations: configs,
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      macAddress: macAddressOf(nicId),
      virtualMachine: { id: vmId },
      nicType: 'Standard',
    },
  };
}

/** A stable MAC address derived from the NIC id, in Azure's dash-separated upper-case form. */
function macAddressOf(nicId: string): string {
  let hash = 0;
  for (const char of nicId.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const bytes = [0x00, 0x0d, 0x3a, (hash >>> 16) & 0xff, (hash >>> 8) & 0xff, hash & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('-');
}

/** The model of an instance: the scale set's profile with its computer name, without its write-only members. */
function instanceRecord(scaleSet: ResourceRecord, instanceId: number, nicIds: string[]): ResourceRecord {
  const profile = (scaleSet.properties.virtualMachineProfile ?? {}) as Json;
  const os = (profile.osProfile ?? {}) as Json;
  const { computerNamePrefix, customData: _customData, adminPassword: _password, ...osRest } = os;
  const prefix = typeof computerNamePrefix === 'string' ? computerNamePrefix : scaleSet.name;
  const sku = (scaleSet.sku ?? {}) as Json;
  return {
    id: `${scaleSet.id}/virtualMachines/${instanceId}`,
    name: `${scaleSet.name}_${instanceId}`,
    type: instanceType,
    location: scaleSet.location,
    instanceId: String(instanceId),
    sku: { name: sku.name, tier: sku.tier },
    properties: {
      latestModelApplied: true,
      vmId: randomUUID(),
      hardwareProfile: { vmSize: sku.name },
      storageProfile: profile.storageProfile,
      osProfile: { ...osRest, computerName: computerNameOf(prefix, instanceId) },
      networkProfile: { networkInterfaces: nicIds.map((id) => ({ id })) },
      networkProfileConfiguration: profile.networkProfile,
      provisioningState: 'Succeeded',
      timeCreated: new Date().toISOString(),
    },
  };
}

/**
 * Applies the scale set's current model to an existing instance (upgrade policy aside, as the model is what the
 * fabric boots): its NICs rebuilt from the model keeping their addresses, its record refreshed keeping its vmId.
 */
export function applyModel(
  context: ArmContext,
  scaleSet: ResourceRecord,
  instance: ResourceRecord,
): Reply | undefined {
  const instanceId = Number(instance.instanceId);
  const old = interfacesOf(context, instance.id);
  const nics: ResourceRecord[] = [];
  for (const configuration of nicConfigurations(scaleSet)) {
    const previous = old.find((n) => n.name.toLowerCase() === configuration.name.toLowerCase());
    const nic = buildInterface(context, scaleSet, instance.id, configuration, previous);
    if ('status' in nic || 'reset' in nic) return nic as Reply;
    nics.push(nic);
  }
  for (const nic of old) removeInterface(context, nic);
  for (const nic of nics) {
    relinkSubnets(context, [], ipUsersOf(nic));
    context.store.resources.set(nic.id.toLowerCase(), nic);
  }
  const record = instanceRecord(
    scaleSet,
    instanceId,
    nics.map((n) => n.id),
  );
  record.properties.vmId = instance.properties.vmId;
  record.properties.timeCreated = instance.properties.timeCreated;
  context.store.resources.set(record.id.toLowerCase(), record);
  return undefined;
}

/** Creates instance `instanceId` with its NICs (addresses from their subnets, joined to their pools). */
export function addInstance(
  context: ArmContext,
  scaleSet: ResourceRecord,
  instanceId: number,
): Reply | undefined {
  const vmId = `${scaleSet.id}/virtualMachines/${instanceId}`;
  const nics: ResourceRecord[] = [];
  for (const configuration of nicConfigurations(scaleSet)) {
    const nic = buildInterface(context, scaleSet, vmId, configuration);
    if ('status' in nic || 'reset' in nic) {
      for (const made of nics) removeInterface(context, made);
      return nic as Reply;
    }
    relinkSubnets(context, [], ipUsersOf(nic));
    context.store.resources.set(nic.id.toLowerCase(), nic);
    nics.push(nic);
  }
  const record = instanceRecord(
    scaleSet,
    instanceId,
    nics.map((n) => n.id),
  );
  context.store.resources.set(record.id.toLowerCase(), record);
  return undefined;
}

function removeInterface(context: ArmContext, nic: ResourceRecord): void {
  relinkSubnets(context, ipUsersOf(nic), []);
  context.store.resources.delete(nic.id.toLowerCase());
}

/** Removes an instance and its NICs, releasing their addresses and pool memberships. */
export function removeInstance(context: ArmContext, instance: ResourceRecord): void {
  for (const nic of interfacesOf(context, instance.id)) removeInterface(context, nic);
  context.store.resources.delete(instance.id.toLowerCase());
}

/**
 * Brings the instances to the capacity and the current model: new ones take the ids after the highest, and a scale-in removes the
 * highest ids first, as the Default scale-in policy does in a single zone.
 */
export function scaleTo(context: ArmContext, scaleSet: ResourceRecord, capacity: number): Reply | undefined {
  const instances = instancesOf(context, scaleSet.id);
  for (const instance of instances.slice(capacity).reverse()) removeInstance(context, instance);
  for (const instance of instances.slice(0, capacity)) {
    const failed = applyModel(context, scaleSet, instance);
    if (failed !== undefined) return failed;
  }
  let next = Math.max(-1, ...instances.map((i) => Number(i.instanceId))) + 1;
  for (let count = instances.length; count < capacity; count++, next++) {
    const failed = addInstance(context, scaleSet, next);
    if (failed !== undefined) return failed;
  }
  return undefined;
}
