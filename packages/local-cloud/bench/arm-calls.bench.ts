import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import { defaultScenario, startLocalCloud, trustCloudCa } from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

const rounds = 200;

async function msPerCall(fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await fn(i);
  return (performance.now() - start) / rounds;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Time per emulated ARM call through the real SDK clients, latencies at zero: a read, a write, a long-running
 * resource-group delete (Location polling) and a virtual-network PUT (Azure-AsyncOperation polling).
 */
export default async function armCalls(): Promise<Record<string, number>> {
  // Latencies are zero by default; the throttle is lifted too, or the write bucket (10/s) would be measured instead.
  const unlimited = { capacity: 1e9, refillPerSecond: 1e9 };
  const local = await startLocalCloud({
    scenario: { ...defaultScenario(), throttle: { reads: unlimited, writes: unlimited } },
  });
  try {
    trustCloudCa(local.cloud.caPem);
    const { credential, options } = cloudSdkAccess(local.cloud);
    const resources = new ResourceManagementClient(credential, local.cloud.subscriptionId, options);
    const network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
    await resources.resourceGroups.createOrUpdate('bench', { location: 'westeurope' });
    const write = await msPerCall((i) =>
      resources.resourceGroups.createOrUpdate(`rg-${i}`, { location: 'westeurope' }),
    );
    const read = await msPerCall((i) => resources.resourceGroups.get(`rg-${i}`));
    const deleteGroup = await msPerCall((i) =>
      resources.resourceGroups.beginDeleteAndWait(`rg-${i}`, { updateIntervalInMs: 0 }),
    );
    const vnet = {
      location: 'westeurope',
      addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
      subnets: [{ name: 's', addressPrefix: '10.0.0.0/24' }],
    };
    const putVnet = await msPerCall((i) =>
      network.virtualNetworks.beginCreateOrUpdateAndWait('bench', `vnet-${i}`, vnet, {
        updateIntervalInMs: 0,
      }),
    );
    return {
      read_ms_per_call: round(read),
      write_ms_per_call: round(write),
      long_running_delete_ms_per_call: round(deleteGroup),
      async_vnet_put_ms_per_call: round(putVnet),
      write_to_read_ratio: round(write / read),
      long_running_delete_to_read_ratio: round(deleteGroup / read),
      async_vnet_put_to_read_ratio: round(putVnet / read),
    };
  } finally {
    await local.stop();
  }
}
