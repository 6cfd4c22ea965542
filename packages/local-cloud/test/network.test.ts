import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import {
  startLocalCloud,
  trustCloudCa,
  cloudRequest,
  LocalCloudAdmin,
  defaultScenario,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let network: NetworkManagementClient;
let credential: ClientSecretCredential;
const rg = 'rg-net';

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 250, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  const access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  const options = access.options;
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
});
afterAll(async () => local.stop());

const poll = { updateIntervalInMs: 50 };
const vnetUrl = (name: string, version = '2024-05-01') =>
  `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}?api-version=${version}`;
const bearer = async () => ({
  authorization: `Bearer ${(await credential.getToken(`${local.cloud.audience}.default`)).token}`,
});

describe('virtual networks with the Azure-AsyncOperation protocol', () => {
  it('answers a PUT with 201 Updating and an operation that turns Succeeded', async () => {
    // A long operation, ended by moving the cloud's clock: no race with the machine's speed.
    await admin.setLatencies({ longRunningMs: 600_000 });
    const body = {
      location: 'westeurope',
      properties: {
        addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
        subnets: [{ name: 'a', properties: { addressPrefix: '10.1.0.0/24' } }],
      },
    };
    const put = await cloudRequest(local.cloud.caPem, 'PUT', vnetUrl('raw'), {
      headers: await bearer(),
      body,
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      properties: {
        provisioningState: 'Updating',
        subnets: [{ name: 'a', properties: { provisioningState: 'Updating' } }],
      },
    });
    const operation = String(put.headers['azure-asyncoperation']);
    expect(operation).toMatch(
      /\/providers\/Microsoft\.Network\/locations\/westeurope\/operations\/[0-9a-f-]+\?api-version=2024-05-01$/,
    );
    expect(
      (await cloudRequest(local.cloud.caPem, 'GET', operation, { headers: await bearer() })).body,
    ).toEqual({ status: 'InProgress' });
    await admin.advanceClock(601);
    await admin.setLatencies({ longRunningMs: 250 });
    expect(
      (await cloudRequest(local.cloud.caPem, 'GET', operation, { headers: await bearer() })).body,
    ).toEqual({ status: 'Succeeded' });
    const vnet = await cloudRequest(local.cloud.caPem, 'GET', vnetUrl('raw'), { headers: await bearer() });
    expect(vnet.body).toMatchObject({ properties: { provisioningState: 'Succeeded' } });
  });

  it('creates a virtual network through the SDK poller, which polls the operation', async () => {
    await admin.clearCalls();
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'hub',
      {
        location: 'westeurope',
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        subnets: [{ name: 'workload', addressPrefix: '10.0.1.0/24' }],
      },
      poll,
    );
    expect(vnet).toMatchObject({
      provisioningState: 'Succeeded',
      subnets: [{ name: 'workload', addressPrefix: '10.0.1.0/24', provisioningState: 'Succeeded' }],
    });
    const polls = (await admin.calls()).filter((c) => /\/operations\//i.test(c.path));
    expect(polls.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses bodies that break the spec schema, and unknown api-versions', async () => {
    const bad = {
      location: 'westeurope',
      properties: {
        addressSpace: { addressPrefixes: '10.0.0.0/16' },
        privateEndpointVNetPolicies: 'Sometimes',
      },
    };
    const answer = await cloudRequest(local.cloud.caPem, 'PUT', vnetUrl('bad'), {
      headers: await bearer(),
      body: bad,
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { error: { code: 'InvalidRequestFormat', message: 'Cannot parse the request.' } },
    });
    const details = (answer.body as { error: { details: { message: string }[] } }).error.details
      .map((d) => d.message)
      .join(' | ');
    expect(details).toContain("'properties.addressSpace.addressPrefixes' should be array");
    expect(details).toContain(
      "'properties.privateEndpointVNetPolicies' should be equal to one of the allowed values: Disabled, Basic",
    );
    const oldVersion = await cloudRequest(local.cloud.caPem, 'GET', vnetUrl('hub', '2015-01-01'), {
      headers: await bearer(),
    });
    expect(oldVersion).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
    // The provider, not ARM's gateway, refused the body.
    expect(answer.headers['x-ms-failure-cause']).toBeUndefined();
  });
});

describe('subnets', () => {
  // Operations that end at once still answer Updating first; zero latency keeps the polls short.
  beforeAll(async () => admin.setLatencies({}));
  it('checks prefixes against the address space and the sibling subnets', async () => {
    const create = (name: string, addressPrefix: string) =>
      network.subnets.beginCreateOrUpdateAndWait(rg, 'hub', name, { addressPrefix }, poll);
    expect(await create('pe', '10.0.2.0/24')).toMatchObject({ provisioningState: 'Succeeded' });
    await expect(create('clash', '10.0.1.128/25')).rejects.toMatchObject({
      code: 'NetcfgSubnetRangesOverlap',
      message: expect.stringContaining("existing subnet 'workload'"),
    });
    await expect(create('out', '10.9.0.0/24')).rejects.toMatchObject({
      code: 'NetcfgSubnetRangeOutsideVnet',
    });
    await expect(create('odd', '10.0.3.5/24')).rejects.toMatchObject({
      code: 'InvalidCIDRNotation',
      message: expect.stringContaining('10.0.3.0/24'),
    });
    const names: string[] = [];
    for await (const s of network.subnets.list(rg, 'hub')) names.push(s.name!);
    expect(names).toEqual(['workload', 'pe']);
  });
});

describe('network interfaces', () => {
  const subnetId = () =>
    `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/hub/subnets/workload`;
  const nic = (name: string, ip?: string) =>
    network.networkInterfaces.beginCreateOrUpdateAndWait(
      rg,
      name,
      {
        location: 'westeurope',
        ipConfigurations: [
          {
            name: 'ipconfig1',
            subnet: { id: subnetId() },
            ...(ip ? { privateIPAllocationMethod: 'Static', privateIPAddress: ip } : {}),
          },
        ],
      },
      poll,
    );

  it('allocates addresses after the reserved ones and checks static ones', async () => {
    expect((await nic('nic-a')).ipConfigurations?.[0]?.privateIPAddress).toBe('10.0.1.4');
    expect((await nic('nic-b')).ipConfigurations?.[0]?.privateIPAddress).toBe('10.0.1.5');
    expect((await nic('nic-c', '10.0.1.10')).ipConfigurations?.[0]).toMatchObject({
      privateIPAddress: '10.0.1.10',
      privateIPAllocationMethod: 'Static',
    });
    await expect(nic('nic-d', '10.0.1.4')).rejects.toMatchObject({ code: 'PrivateIPAddressIsAllocated' });
    await expect(nic('nic-d', '10.0.1.2')).rejects.toMatchObject({ code: 'PrivateIPAddressInReservedRange' });
    await expect(nic('nic-d', '10.0.2.9')).rejects.toMatchObject({ code: 'PrivateIPAddressNotInSubnet' });
    const subnet = await network.subnets.get(rg, 'hub', 'workload');
    expect(subnet.ipConfigurations?.map((c) => c.id?.split('/')[8])).toEqual(['nic-a', 'nic-b', 'nic-c']);
  });

  it('keeps a used subnet until its NICs are deleted', async () => {
    await expect(network.subnets.beginDeleteAndWait(rg, 'hub', 'workload', poll)).rejects.toMatchObject({
      code: 'InUseSubnetCannotBeDeleted',
    });
    for (const name of ['nic-a', 'nic-b', 'nic-c'])
      await network.networkInterfaces.beginDeleteAndWait(rg, name, poll);
    await network.subnets.beginDeleteAndWait(rg, 'hub', 'workload', poll);
    await expect(network.subnets.get(rg, 'hub', 'workload')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses a NIC whose subnet does not exist', async () => {
    const missing = `${subnetId()}-missing`;
    await expect(
      network.networkInterfaces.beginCreateOrUpdateAndWait(
        rg,
        'nic-x',
        { location: 'westeurope', ipConfigurations: [{ name: 'ip', subnet: { id: missing } }] },
        poll,
      ),
    ).rejects.toMatchObject({ code: 'InvalidResourceReference' });
  });
});
