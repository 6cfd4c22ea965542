import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ResourceStore } from '../src/internal/arm/resource-store.js';
import { startFabric } from '../src/fabric/fabric.js';

/**
 * Stopping a fabric ends whatever its instances are still doing: a boot that would take minutes (apt retrying a
 * mirror the instance cannot reach yet, here a runcmd that sleeps) is killed with its namespace, not waited for.
 */
const providers = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-stop/providers';
const vnetId = `${providers}/Microsoft.Network/virtualNetworks/vnet-stop`;
const cloudConfig = ['#cloud-config', 'runcmd:', '  - [sh, -c, "echo booting; sleep 600"]'].join('\n');

describe('stopping the fabric', () => {
  it('kills a boot still running instead of waiting for it, and leaves no namespace', async () => {
    const store = new ResourceStore();
    store.resources.set(vnetId.toLowerCase(), {
      id: vnetId,
      name: 'vnet-stop',
      type: 'Microsoft.Network/virtualNetworks',
      location: 'westeurope',
      properties: {
        addressSpace: { addressPrefixes: ['10.86.0.0/24'] },
        subnets: [
          { id: `${vnetId}/subnets/default`, name: 'default', properties: { addressPrefix: '10.86.0.0/28' } },
        ],
      },
    });
    const scaleSet = `${providers}/Microsoft.Compute/virtualMachineScaleSets/vmss-stop`;
    store.resources.set(scaleSet.toLowerCase(), {
      id: scaleSet,
      name: 'vmss-stop',
      type: 'Microsoft.Compute/virtualMachineScaleSets',
      location: 'westeurope',
      sku: { name: 'Standard_B1s', capacity: 1 },
      properties: {
        virtualMachineProfile: {
          osProfile: { computerNamePrefix: 'stp', customData: Buffer.from(cloudConfig).toString('base64') },
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
    });
    const fabric = await startFabric(store, {});
    const instance = `${scaleSet}/virtualMachines/0`;
    for (let i = 0; i < 100; i++) {
      const running = await fabric.run(instance, ['pgrep', '-f', 'sleep 600']).catch(() => ({ code: 1 }));
      if (running.code === 0) break;
      await new Promise((wait) => setTimeout(wait, 100));
    }
    expect(fabric.bootLogs.has(instance.toLowerCase())).toBe(false);
    await fabric.stop();
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(
      `azlc-${fabric.names.runId}-`,
    );
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain('sleep 600');
  }, 60_000);
});
