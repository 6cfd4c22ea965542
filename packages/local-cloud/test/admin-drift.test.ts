import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
import { whatIfLeaves } from './what-if-leaves.js';
import { cloudSdkAccess } from '../src/test-support.js';

const rg = 'rg-drift';
const poll = { updateIntervalInMs: 20 };

/** A VNet with a subnet, a private zone and an A record set: the state the drift tests change behind ARM's back. */
const template = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [
    {
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2024-05-01',
      name: 'drift-vnet',
      location: 'westeurope',
      tags: { env: 'test' },
      properties: {
        addressSpace: { addressPrefixes: ['10.60.0.0/16'] },
        subnets: [{ name: 'apps', properties: { addressPrefix: '10.60.1.0/24' } }],
      },
    },
    {
      type: 'Microsoft.Network/privateDnsZones',
      apiVersion: '2024-06-01',
      name: 'drift.internal',
      location: 'global',
    },
    {
      type: 'Microsoft.Network/privateDnsZones/A',
      apiVersion: '2024-06-01',
      name: 'drift.internal/www',
      dependsOn: ["[resourceId('Microsoft.Network/privateDnsZones', 'drift.internal')]"],
      properties: { ttl: 300, aRecords: [{ ipv4Address: '10.60.1.4' }] },
    },
  ],
};

let local: LocalCloud;
let admin: LocalCloudAdmin;
let deployments: DeploymentsClient;
let network: NetworkManagementClient;
let dns: PrivateDnsManagementClient;
let vnetId: string;
let recordId: string;

const deploy = () =>
  deployments.deployments.createOrUpdate(
    rg,
    'drift',
    { properties: { template, mode: 'Incremental' } },
    poll,
  );
const whatIf = () =>
  deployments.deployments.whatIf(rg, 'drift', { properties: { template, mode: 'Incremental' } }, poll);
const changeOf = (result: Awaited<ReturnType<typeof whatIf>>, suffix: string) =>
  result.changes?.find((c) => c.resourceId?.endsWith(suffix));

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  const { credential, options } = cloudSdkAccess(local.cloud);
  deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  dns = new PrivateDnsManagementClient(credential, local.cloud.subscriptionId, options);
  const resources = new ResourceManagementClient(credential, local.cloud.subscriptionId, options);
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`;
  vnetId = `${group}/providers/Microsoft.Network/virtualNetworks/drift-vnet`;
  recordId = `${group}/providers/Microsoft.Network/privateDnsZones/drift.internal/A/www`;
  const result = await deploy();
  expect(result.properties?.provisioningState).toBe('Succeeded');
});
afterAll(async () => local.stop());

describe('out-of-band changes through the admin API (drift)', () => {
  it("what-if sees a property and a tag changed out of band, and only ARM's noise again after a redeploy", async () => {
    // The subnet's network policies the template leaves to the service show as removed, as ARM shows them
    // (Azure/arm-template-whatif#184, #284).
    const noise = [
      'Delete properties.subnets.0.properties.privateEndpointNetworkPolicies: "Disabled" → ∅',
      'Delete properties.subnets.0.properties.privateLinkServiceNetworkPolicies: "Enabled" → ∅',
    ];
    const onlyNoise = [
      ['Modify', noise],
      ['NoChange', []],
      ['NoChange', []],
    ];
    const unchanged = await whatIf();
    expect(unchanged.changes?.map((c) => [c.changeType, whatIfLeaves(c.delta)])).toEqual(onlyNoise);

    const storedVnet = await admin.getResource(vnetId);
    const storedRecord = await admin.getResource(recordId);
    expect(storedVnet.properties.addressSpace).toEqual({ addressPrefixes: ['10.60.0.0/16'] });
    const vnet = await admin.patchResource(vnetId, {
      tags: { env: 'prod' },
      properties: { addressSpace: { addressPrefixes: ['10.60.0.0/15'] } },
    });
    const record = await admin.patchResource(recordId, {
      properties: { ttl: 60, aRecords: [{ ipv4Address: '10.60.1.9' }] },
    });
    expect(vnet.etag).not.toBe(storedVnet.etag);
    expect(vnet.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    expect(vnet.properties.provisioningState).toBe('Succeeded');
    // The merge patch keeps what it does not name: the subnet and the zone's computed members.
    expect(vnet.properties.subnets).toEqual(storedVnet.properties.subnets);
    expect(record.etag).not.toBe(storedRecord.etag);
    expect(record.properties.fqdn).toBe('www.drift.internal.');

    // ARM's own reads see the drift, as a client would.
    const read = await network.virtualNetworks.get(rg, 'drift-vnet');
    expect(read.addressSpace?.addressPrefixes).toEqual(['10.60.0.0/15']);
    expect(read.tags).toEqual({ env: 'prod' });
    expect(read.provisioningState).toBe('Succeeded');
    const readRecord = await dns.recordSets.get(rg, 'drift.internal', 'A', 'www');
    expect(readRecord.etag).toBe(record.etag);
    expect(readRecord.aRecords).toEqual([{ ipv4Address: '10.60.1.9' }]);

    const drifted = await whatIf();
    expect(changeOf(drifted, '/drift-vnet')?.changeType).toBe('Modify');
    expect(whatIfLeaves(changeOf(drifted, '/drift-vnet')?.delta)).toEqual([
      'Modify tags.env: "prod" → "test"',
      'Modify properties.addressSpace.addressPrefixes.0: "10.60.0.0/15" → "10.60.0.0/16"',
      ...noise,
    ]);
    expect(changeOf(drifted, '/A/www')).toMatchObject({
      changeType: 'Modify',
      delta: [
        { path: 'properties.ttl', propertyChangeType: 'Modify', before: 60, after: 300 },
        {
          path: 'properties.aRecords',
          propertyChangeType: 'Array',
          children: [
            {
              path: '0',
              propertyChangeType: 'Modify',
              children: [
                {
                  path: 'ipv4Address',
                  propertyChangeType: 'Modify',
                  before: '10.60.1.9',
                  after: '10.60.1.4',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(changeOf(drifted, '/privateDnsZones/drift.internal')?.changeType).toBe('NoChange');

    await deploy();
    const repaired = await whatIf();
    expect(repaired.changes?.map((c) => [c.changeType, whatIfLeaves(c.delta)])).toEqual(onlyNoise);
    expect((await admin.getResource(vnetId)).tags).toEqual({ env: 'test' });
  });

  it('changes out of band make no ARM call: nothing in the call log, no fault or throttle taken', async () => {
    await admin.clearCalls();
    await admin.clearFaults();
    const fault = await admin.addFault({ pathPattern: 'drift', status: 500, count: 1 });
    try {
      await admin.setThrottle({ writes: { capacity: 1, refillPerSecond: 0.001 } });
      const subnetId = `${vnetId}/subnets/apps`;
      const vnetBefore = await admin.getResource(vnetId);
      const subnet = await admin.patchResource(subnetId, { properties: { serviceEndpoints: [] } });
      expect(subnet.id).toBe(subnetId);
      expect(subnet.properties).toMatchObject({ addressPrefix: '10.60.1.0/24', serviceEndpoints: [] });
      // The subnet lives inline in its VNet: both etags change.
      const vnetAfter = await admin.getResource(vnetId);
      expect(vnetAfter.etag).not.toBe(vnetBefore.etag);
      expect((vnetAfter.properties.subnets as { etag: string }[])[0]!.etag).toBe(subnet.etag);
      const replaced = await admin.putResource(recordId, {
        properties: { ttl: 300, fqdn: 'www.drift.internal.', isAutoRegistered: false, aRecords: [] },
      });
      expect(replaced).toMatchObject({
        id: recordId,
        name: 'www',
        type: 'Microsoft.Network/privateDnsZones/A',
      });
      for (let i = 0; i < 3; i++)
        await admin.patchResource(vnetId, { tags: { env: 'test', round: String(i) } });
      await expect(admin.patchResource(vnetId, { name: 'renamed' })).rejects.toThrow(/name .*cannot change/);
      expect(await admin.calls()).toEqual([]);
      expect(await admin.faults()).toEqual([expect.objectContaining({ id: fault, remaining: 1 })]);
    } finally {
      await admin.clearFaults();
      await admin.setThrottle({});
    }
    await deploy();
  });

  it('an out-of-band delete goes at once, through the provider, and what-if shows Create for it', async () => {
    await admin.addFault({ method: 'DELETE', pathPattern: 'drift-vnet$', slowLongRunningMs: 60_000 });
    await admin.deleteResource(recordId);
    await admin.deleteResource(vnetId);
    await expect(admin.getResource(vnetId)).rejects.toThrow(/stores no resource/);
    await expect(dns.recordSets.get(rg, 'drift.internal', 'A', 'www')).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(network.virtualNetworks.get(rg, 'drift-vnet')).rejects.toMatchObject({ statusCode: 404 });
    // The slow-delete fault belongs to ARM calls: the out-of-band delete neither waited for it nor used it up.
    expect((await admin.faults())[0]?.remaining).toBe(1);
    await admin.clearFaults();

    const result = await whatIf();
    expect(changeOf(result, '/A/www')?.changeType).toBe('Create');
    expect(changeOf(result, '/drift-vnet')?.changeType).toBe('Create');
    expect(changeOf(result, '/privateDnsZones/drift.internal')?.changeType).toBe('NoChange');
    await expect(admin.deleteResource(recordId)).rejects.toThrow(/stores no resource/);
  });
});
