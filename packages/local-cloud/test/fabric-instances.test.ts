import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { ResourceStore, type ResourceRecord } from '../src/internal/arm/resource-store.js';
import { startFabric, type Fabric } from '../src/fabric/fabric.js';

/** Scale set instances from store records (Microsoft.Compute 2024-07-01 shapes): boot, hostnames, addresses. */
const providers = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-vm/providers';
const vnetId = `${providers}/Microsoft.Network/virtualNetworks/vnet-vm`;
const vmssId = `${providers}/Microsoft.Compute/virtualMachineScaleSets/vmss-vm`;
const marker = '/etc/azlc-fabric-instance-test';
const cloudConfig = [
  '#cloud-config',
  'write_files:',
  `  - path: ${marker}`,
  '    content: written by cloud-init',
  'runcmd:',
  `  - [sh, -c, "hostname > ${marker}.runcmd"]`,
].join('\n');

const store = new ResourceStore();
let fabric: Fabric;
const put = (record: ResourceRecord) => store.resources.set(record.id.toLowerCase(), record);

function scaleSet(capacity: number): ResourceRecord {
  return {
    id: vmssId,
    name: 'vmss-vm',
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: 'westeurope',
    sku: { name: 'Standard_B1s', capacity },
    properties: {
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: 'web', customData: Buffer.from(cloudConfig).toString('base64') },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: 'nic',
              properties: {
                ipConfigurations: [
                  { name: 'ipconfig', properties: { subnet: { id: `${vnetId}/subnets/default` } } },
                ],
              },
            },
          ],
        },
      },
    },
  };
}

beforeAll(async () => {
  put({
    id: vnetId,
    name: 'vnet-vm',
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: ['10.82.0.0/24'] },
      subnets: [
        { id: `${vnetId}/subnets/default`, name: 'default', properties: { addressPrefix: '10.82.0.0/28' } },
      ],
    },
  });
  put(scaleSet(2));
  fabric = await startFabric(store, {});
  await fabric.settled();
}, 30_000);

afterAll(async () => fabric?.stop());

describe('scale set instances', () => {
  it('boot from customData in their own overlay: files and runcmd inside, nothing on the host', async () => {
    const first = `${vmssId}/virtualMachines/0`;
    expect(fabric.addressOf(first)).toBe('10.82.0.14');
    expect(fabric.addressOf(`${vmssId}/virtualMachines/1`)).toBe('10.82.0.13');
    const inside = await fabric.run(first, ['sh', '-c', `cat ${marker} ${marker}.runcmd; hostname`]);
    expect(inside.stdout).toBe('written by cloud-initweb000000\nweb000000\n');
    expect(existsSync(marker)).toBe(false);
  });

  it("uses the control plane's VM records and NIC addresses when they exist, and follows a scale-in", async () => {
    const vmId = `${vmssId}/virtualMachines/7`;
    put({
      id: vmId,
      name: 'vmss-vm_7',
      type: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines',
      instanceId: '7',
      properties: { osProfile: { computerName: 'web000007' } },
    });
    put({
      id: `${vmId}/networkInterfaces/nic`,
      name: 'nic',
      type: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces',
      properties: { ipConfigurations: [{ name: 'ipconfig', properties: { privateIPAddress: '10.82.0.4' } }] },
    });
    await fabric.settled();
    expect(fabric.addressOf(vmId)).toBe('10.82.0.4');
    expect((await fabric.run(vmId, ['hostname'])).stdout.trim()).toBe('web000007');
    expect(() => fabric.addressOf(`${vmssId}/virtualMachines/0`)).toThrow();

    store.resources.delete(vmId.toLowerCase());
    store.resources.delete(`${vmId}/networkInterfaces/nic`.toLowerCase());
    put(scaleSet(1));
    await fabric.settled();
    expect(fabric.addressOf(`${vmssId}/virtualMachines/0`)).toBe('10.82.0.14');
    expect(() => fabric.addressOf(`${vmssId}/virtualMachines/1`)).toThrow();
  }, 20_000);
});
