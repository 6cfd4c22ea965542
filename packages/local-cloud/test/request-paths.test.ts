import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ResourceManagementClient } from '@azure/arm-resources';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { armRequest, cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';

// ARM reads a request path as its segments: repeated slashes and a trailing slash change nothing, and resource
// types (like every name in a resource id) compare without regard to case.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rg = 'rg-paths';
let local: LocalCloud;
let access: CloudSdkAccess;
let group: string;

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`;
  expect((await arm('PUT', group, '2024-03-01', { location: 'westeurope' })).status).toBe(201);
});
afterAll(async () => local.stop());

async function arm(method: string, path: string, version: string, body?: unknown) {
  const reply = await armRequest(local.cloud, access, method, `${path}?api-version=${version}`, body);
  return reply as { status: number; body: Json };
}

const vnetBody = {
  location: 'westeurope',
  properties: {
    addressSpace: { addressPrefixes: ['10.50.0.0/16'] },
    subnets: [{ name: 'a', properties: { addressPrefix: '10.50.1.0/24' } }],
  },
};

describe('request paths, read as ARM reads them', () => {
  it('answers a path with a doubled slash as the path without it (az resource show --resource-type sends one)', async () => {
    const put = await arm(
      'PUT',
      `${group}/providers/Microsoft.Network//virtualNetworks/vnet-a`,
      '2024-05-01',
      vnetBody,
    );
    expect(put).toMatchObject({ status: 201, body: { type: 'Microsoft.Network/virtualNetworks' } });
    const got = await arm(
      'GET',
      `${group}//providers/Microsoft.Network/virtualNetworks//vnet-a`,
      '2024-05-01',
    );
    expect(got).toMatchObject({
      status: 200,
      body: { id: `${group}/providers/Microsoft.Network/virtualNetworks/vnet-a` },
    });
    expect(
      (await arm('GET', `//subscriptions//${local.cloud.subscriptionId}//resourceGroups/${rg}`, '2024-03-01'))
        .status,
    ).toBe(200);
  });

  it('answers a path with a trailing slash as the path without it', async () => {
    expect((await arm('GET', `${group}/`, '2024-03-01')).body).toMatchObject({ name: rg });
    const vnet = await arm(
      'GET',
      `${group}/providers/Microsoft.Network/virtualNetworks/vnet-a/`,
      '2024-05-01',
    );
    expect(vnet).toMatchObject({ status: 200, body: { name: 'vnet-a' } });
    expect((await arm('GET', `${group}/resources/`, '2024-03-01')).status).toBe(200);
  });

  it("answers HEAD (the SDK's checkExistenceById) for a provider's resource as for any other: 204, or 404", async () => {
    const resources = new ResourceManagementClient(
      access.credential,
      local.cloud.subscriptionId,
      access.options,
    ).resources;
    const vnet = `${group}/providers/Microsoft.Network/virtualNetworks/vnet-a`;
    expect((await resources.checkExistenceById(vnet, '2024-05-01')).body).toBe(true);
    expect((await resources.checkExistenceById(`${vnet}-missing`, '2024-05-01')).body).toBe(false);
    const head = await arm('HEAD', vnet, '2024-05-01');
    expect([head.status, head.body]).toEqual([204, undefined]);
  });

  it('hands a resource type written in another case to its provider, which answers with the canonical type', async () => {
    const put = await arm(
      'PUT',
      `${group}/providers/microsoft.network/VIRTUALNETWORKS/vnet-b`,
      '2024-05-01',
      {
        ...vnetBody,
        properties: {
          addressSpace: { addressPrefixes: ['10.51.0.0/16'] },
          subnets: [{ name: 'a', properties: { addressPrefix: '10.51.1.0/24' } }],
        },
      },
    );
    // The Network provider's answer (not a generic store's): etag, resourceGuid, checked subnets.
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      type: 'Microsoft.Network/virtualNetworks',
      etag: expect.stringMatching(/^W\//),
    });
    expect(put.body.properties.resourceGuid).toEqual(expect.any(String));
    const outside = await arm(
      'PUT',
      `${group}/providers/Microsoft.Network/VirtualNetworks/vnet-c`,
      '2024-05-01',
      {
        ...vnetBody,
        properties: {
          ...vnetBody.properties,
          subnets: [{ name: 'x', properties: { addressPrefix: '10.99.0.0/24' } }],
        },
      },
    );
    expect(outside).toMatchObject({ status: 400, body: { error: { code: 'NetcfgSubnetRangeOutsideVnet' } } });
    const listed = await arm('GET', `${group}/providers/Microsoft.Network/virtualNetworks`, '2024-05-01');
    expect(listed.body.value.map((v: Json) => v.type)).toEqual([
      'Microsoft.Network/virtualNetworks',
      'Microsoft.Network/virtualNetworks',
    ]);
  });
});
