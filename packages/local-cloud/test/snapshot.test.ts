import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

const rg = 'rg-snapshot';
const poll = { updateIntervalInMs: 20 };
const scenario = { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } };

/** An identity whose outputs read deployed state (its id and a tag through reference()). */
const template = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { name: { type: 'string' } },
  resources: [
    {
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      apiVersion: '2023-01-31',
      name: "[parameters('name')]",
      location: 'westeurope',
      tags: { role: 'snapshot' },
    },
  ],
  outputs: {
    identityId: {
      type: 'string',
      value: "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('name'))]",
    },
    role: {
      type: 'string',
      value:
        "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('name')), '2023-01-31', 'Full').tags.role]",
    },
  },
};

function clients(local: LocalCloud) {
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
  return {
    resources: new ResourceManagementClient(credential, local.cloud.subscriptionId, options),
    network: new NetworkManagementClient(credential, local.cloud.subscriptionId, options),
    dns: new PrivateDnsManagementClient(credential, local.cloud.subscriptionId, options),
    deployments: new DeploymentsClient(credential, local.cloud.subscriptionId, options),
  };
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of pages) found.push(item);
  return found;
}

/** Everything the test created, read back through the SDKs. */
async function readBack(c: ReturnType<typeof clients>) {
  return {
    group: await c.resources.resourceGroups.get(rg),
    groups: (await all(c.resources.resourceGroups.list())).map((g) => g.name),
    listed: await all(c.resources.resources.listByResourceGroup(rg)),
    vnet: await c.network.virtualNetworks.get(rg, 'snap-vnet'),
    subnet: await c.network.subnets.get(rg, 'snap-vnet', 'apps'),
    nic: await c.network.networkInterfaces.get(rg, 'snap-nic'),
    zone: await c.dns.privateZones.get(rg, 'snap.internal'),
    records: await all(c.dns.recordSets.list(rg, 'snap.internal')),
    deployment: await c.deployments.deployments.get(rg, 'snap'),
    deployments: (await all(c.deployments.deployments.listByResourceGroup(rg))).map((d) => d.name),
    operations: await all(c.deployments.deploymentOperations.list(rg, 'snap')),
    exported: await c.deployments.deployments.exportTemplate(rg, 'snap'),
  };
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-cloud-snapshot-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('snapshot file', () => {
  it('restarts where it stopped: groups, resources, record-set etags, deployments with outputs and operations', async () => {
    const file = join(await tempDir(), 'state', 'snapshot.json');
    let local = await startLocalCloud({ scenario, snapshotFile: file });
    let c = clients(local);
    let before: Awaited<ReturnType<typeof readBack>>;
    try {
      await c.resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope', tags: { keep: 'me' } });
      const vnet = await c.network.virtualNetworks.beginCreateOrUpdateAndWait(
        rg,
        'snap-vnet',
        {
          location: 'westeurope',
          addressSpace: { addressPrefixes: ['10.70.0.0/16'] },
          subnets: [{ name: 'apps', addressPrefix: '10.70.1.0/24' }],
        },
        poll,
      );
      await c.network.networkInterfaces.beginCreateOrUpdateAndWait(
        rg,
        'snap-nic',
        {
          location: 'westeurope',
          ipConfigurations: [{ name: 'ip', subnet: { id: vnet.subnets![0]!.id } }],
        },
        poll,
      );
      await c.dns.privateZones.beginCreateOrUpdateAndWait(rg, 'snap.internal', { location: 'global' }, poll);
      await c.dns.recordSets.createOrUpdate(rg, 'snap.internal', 'A', 'www', {
        ttl: 120,
        aRecords: [{ ipv4Address: '10.70.1.4' }],
      });
      const deployed = await c.deployments.deployments.createOrUpdate(
        rg,
        'snap',
        { properties: { template, parameters: { name: { value: 'snap-id' } }, mode: 'Incremental' } },
        poll,
      );
      expect(deployed.properties?.outputs).toMatchObject({ role: { value: 'snapshot' } });
      // The file follows the writes while the cloud runs, not only at stop.
      for (let waited = 0; !(await readFile(file, 'utf8')).includes('snap-id'); waited += 20) {
        if (waited > 10_000) throw new Error('The snapshot never held the deployment.');
        await sleep(20);
      }
      before = await readBack(c);
    } finally {
      await local.stop();
    }
    const first = await readFile(file, 'utf8');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    local = await startLocalCloud({ scenario, snapshotFile: file });
    c = clients(local);
    try {
      const after = await readBack(c);
      expect(after).toEqual(before);
      expect(after.nic.ipConfigurations?.[0]?.privateIPAddress).toBe('10.70.1.4');
      expect(after.subnet.ipConfigurations).toEqual([{ id: after.nic.ipConfigurations?.[0]?.id }]);
      expect(after.records.find((r) => r.name === 'www')?.etag).toBe(
        before.records.find((r) => r.name === 'www')?.etag,
      );
      expect(after.deployment.properties?.outputs).toEqual({
        identityId: { type: 'String', value: after.listed.find((r) => r.name === 'snap-id')?.id },
        role: { type: 'String', value: 'snapshot' },
      });
      // The restored state behaves as live state: a new NIC takes the next free address, not the restored one's.
      const second = await c.network.networkInterfaces.beginCreateOrUpdateAndWait(
        rg,
        'snap-nic-2',
        { location: 'westeurope', ipConfigurations: [{ name: 'ip', subnet: { id: after.subnet.id } }] },
        poll,
      );
      expect(second.ipConfigurations?.[0]?.privateIPAddress).toBe('10.70.1.5');
      await c.network.networkInterfaces.beginDeleteAndWait(rg, 'snap-nic-2', poll);
    } finally {
      await local.stop();
    }
    // Loading and saving again changes nothing: the round trip is stable.
    expect(await readFile(file, 'utf8')).toBe(first);
  });

  it('refuses a corrupt snapshot with one sentence naming the file, and leaves the file alone', async () => {
    const dir = await tempDir();
    const file = join(dir, 'snapshot.json');
    await writeFile(file, '{"format": "azpn-local-cloud-snapshot", "version": 1, "resources": [');
    await expect(startLocalCloud({ scenario, snapshotFile: file })).rejects.toThrow(
      new RegExp(
        `^The snapshot file ${file} cannot be loaded \\(it is not JSON: .*\\); fix it, move it away or delete it`,
      ),
    );
    await writeFile(
      file,
      JSON.stringify({
        format: 'azpn-local-cloud-snapshot',
        version: 1,
        resourceGroups: [],
        resources: [[1, {}]],
        deployments: [],
      }),
    );
    await expect(startLocalCloud({ scenario, snapshotFile: file })).rejects.toThrow(
      /resources\[0\] is not a \[key, record with an id\] pair/,
    );
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ resources: [[1, {}]] });

    // The CLI hands the same sentence to `up`.
    const bin = join(import.meta.dirname, '..', 'bin', 'local-cloud.js');
    await expect(
      promisify(execFile)(process.execPath, [bin, 'up', '--state-dir', dir, '--snapshot', file]),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(`The snapshot file ${file} cannot be loaded`),
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ resources: [[1, {}]] });
  });

  it('finishes what a crash left half done: Updating ends Succeeded, Deleting goes, a running deployment Failed', async () => {
    const file = join(await tempDir(), 'snapshot.json');
    let local = await startLocalCloud({ scenario, snapshotFile: file });
    try {
      const c = clients(local);
      for (const name of [rg, 'rg-going'])
        await c.resources.resourceGroups.createOrUpdate(name, { location: 'westeurope' });
      for (const group of [rg, 'rg-going']) {
        await c.network.virtualNetworks.beginCreateOrUpdateAndWait(
          group,
          'half-vnet',
          {
            location: 'westeurope',
            addressSpace: { addressPrefixes: ['10.80.0.0/16'] },
            subnets: [{ name: 'apps', addressPrefix: '10.80.1.0/24' }],
          },
          poll,
        );
      }
      await c.deployments.deployments.createOrUpdate(
        rg,
        'half',
        { properties: { template, parameters: { name: { value: 'half-id' } }, mode: 'Incremental' } },
        poll,
      );
    } finally {
      await local.stop();
    }
    // What a kill in mid-operation leaves in the file.
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      resourceGroups: [string, { name: string; properties: { provisioningState: string } }][];
      resources: [
        string,
        {
          id: string;
          properties: {
            provisioningState: string;
            subnets?: { properties: { provisioningState: string } }[];
          };
        },
      ][];
      deployments: [string, { name: string; state: string }][];
    };
    saved.resourceGroups.find(([, g]) => g.name === 'rg-going')![1].properties.provisioningState = 'Deleting';
    for (const [, record] of saved.resources) {
      record.properties.provisioningState = 'Updating';
      for (const subnet of record.properties.subnets ?? []) subnet.properties.provisioningState = 'Updating';
    }
    saved.deployments.find(([, d]) => d.name === 'half')![1].state = 'Running';
    await writeFile(file, JSON.stringify(saved));

    local = await startLocalCloud({ scenario, snapshotFile: file });
    try {
      const c = clients(local);
      expect((await all(c.resources.resourceGroups.list())).map((g) => g.name)).toEqual([rg]);
      expect((await all(c.resources.resources.list())).map((r) => r.name).sort()).toEqual([
        'half-id',
        'half-vnet',
      ]);
      const vnet = await c.network.virtualNetworks.get(rg, 'half-vnet');
      expect(vnet.provisioningState).toBe('Succeeded');
      expect(vnet.subnets?.map((s) => s.provisioningState)).toEqual(['Succeeded']);
      const deployment = await c.deployments.deployments.get(rg, 'half');
      expect(deployment.properties?.provisioningState).toBe('Failed');
      expect(deployment.properties?.error?.code).toBe('DeploymentInterrupted');
    } finally {
      await local.stop();
    }
  });

  it('keeps admin (out-of-band) changes too', async () => {
    const file = join(await tempDir(), 'snapshot.json');
    let local = await startLocalCloud({ scenario, snapshotFile: file });
    const group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`;
    try {
      await clients(local).resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
      await new LocalCloudAdmin(local.cloud).patchResource(group, { tags: { drifted: 'yes' } });
    } finally {
      await local.stop();
    }
    local = await startLocalCloud({ scenario, snapshotFile: file });
    try {
      expect((await clients(local).resources.resourceGroups.get(rg)).tags).toEqual({ drifted: 'yes' });
    } finally {
      await local.stop();
    }
  });
});
