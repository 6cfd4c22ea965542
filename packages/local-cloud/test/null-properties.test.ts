import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { compileBicep } from '@azpn/bicep';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { armRequest, cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';

// ARM and its providers read an optional property set to `null` as absent. Bicep sends such nulls all the time
// (`natGateway: useNat ? { id: nat.id } : null`), and so do SDKs and hand-written bodies.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rg = 'rg-nulls';
const poll = { updateIntervalInMs: 20 };
let local: LocalCloud;
let access: CloudSdkAccess;
let group: string;

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  const resources = new ResourceManagementClient(
    access.credential,
    local.cloud.subscriptionId,
    access.options,
  );
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`;
});
afterAll(async () => local.stop());

/** A raw call, so that the nulls reach the cloud as written; long-running answers are waited for. */
async function arm(method: string, path: string, version: string, body?: unknown) {
  const reply = await armRequest(local.cloud, access, method, `${path}?api-version=${version}`, body);
  const polled = reply.headers['azure-asyncoperation'] as string | undefined;
  while (polled !== undefined) {
    const status = await armRequest(
      local.cloud,
      access,
      'GET',
      polled.slice(local.cloud.resourceManager.length),
    );
    if ((status.body as Json).status !== 'InProgress') break;
  }
  return reply as { status: number; body: Json };
}

const vnet = () => `${group}/providers/Microsoft.Network/virtualNetworks/vnet-raw`;
const net = '2024-05-01';

describe('optional properties set to null are absent, as ARM reads them', () => {
  it('deploys Bicep that sets a subnet NAT gateway and a NIC public IP to null when their conditions are false', async () => {
    const template = await compileBicep(
      join(import.meta.dirname, 'fixtures', 'null-properties', 'main.bicep'),
    );
    const deployments = new DeploymentsClient(access.credential, local.cloud.subscriptionId, access.options);
    const result = await deployments.deployments.createOrUpdate(
      rg,
      'nulls',
      { properties: { template, mode: 'Incremental' } },
      poll,
    );
    expect(result.properties?.error).toBeUndefined();
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const subnet = (await arm('GET', result.properties!.outputs!.subnetId.value, net)).body;
    expect(subnet.properties).not.toHaveProperty('natGateway');
    expect(subnet.properties).not.toHaveProperty('networkSecurityGroup');
    const nic = (await arm('GET', `${group}/providers/Microsoft.Network/networkInterfaces/nic-nulls`, net))
      .body;
    expect(nic.properties.ipConfigurations[0].properties).not.toHaveProperty('publicIPAddress');
    expect(nic.properties.ipConfigurations[0].properties.privateIPAddress).toMatch(/^10\.40\.1\.\d+$/);
  });

  it('takes a virtual network with null members in its subnets and properties, and answers without them', async () => {
    const body = {
      location: 'westeurope',
      tags: null,
      properties: {
        addressSpace: { addressPrefixes: ['10.41.0.0/16'] },
        dhcpOptions: null,
        subnets: [
          {
            name: 'a',
            properties: {
              addressPrefix: '10.41.1.0/24',
              natGateway: null,
              networkSecurityGroup: null,
              serviceEndpoints: null,
              delegations: null,
              privateEndpointNetworkPolicies: null,
            },
          },
        ],
      },
    };
    const put = await arm('PUT', vnet(), net, body);
    expect(put.status).toBe(201);
    const got = (await arm('GET', vnet(), net)).body;
    expect(got).not.toHaveProperty('tags');
    expect(got.properties).not.toHaveProperty('dhcpOptions');
    expect(got.properties.subnets[0].properties).toMatchObject({
      privateEndpointNetworkPolicies: 'Disabled',
    });
    expect(got.properties.subnets[0].properties).not.toHaveProperty('natGateway');
    const child = await arm('PUT', `${vnet()}/subnets/b`, net, {
      properties: { addressPrefix: '10.41.2.0/24', natGateway: null, routeTable: null },
    });
    expect(child.status).toBe(201);
    expect(child.body.properties).not.toHaveProperty('natGateway');
  });

  it.each([
    [
      'network interface',
      'networkInterfaces/nic-raw',
      () => ({
        location: 'westeurope',
        properties: {
          networkSecurityGroup: null,
          dnsSettings: null,
          ipConfigurations: [
            {
              name: 'ip',
              properties: {
                subnet: { id: `${vnet()}/subnets/a` },
                privateIPAddress: null,
                publicIPAddress: null,
                loadBalancerBackendAddressPools: null,
                primary: null,
              },
            },
          ],
        },
      }),
      (got: Json) => {
        expect(got.properties.ipConfigurations[0].properties).toMatchObject({ primary: true });
        expect(got.properties.ipConfigurations[0].properties).not.toHaveProperty('publicIPAddress');
      },
    ],
    [
      'public IP address',
      'publicIPAddresses/pip-raw',
      () => ({
        location: 'westeurope',
        sku: null,
        zones: null,
        properties: {
          publicIPAllocationMethod: 'Static',
          dnsSettings: null,
          publicIPPrefix: null,
          ipTags: null,
        },
      }),
      (got: Json) => {
        expect(got.sku).toMatchObject({ name: 'Basic' });
        expect(got.properties.ipTags).toEqual([]);
      },
    ],
    [
      'NAT gateway',
      'natGateways/nat-raw',
      () => ({
        location: 'westeurope',
        properties: { publicIpAddresses: null, publicIpPrefixes: null, idleTimeoutInMinutes: null },
      }),
      (got: Json) => expect(got.properties.idleTimeoutInMinutes).toBe(4),
    ],
    [
      'network security group',
      'networkSecurityGroups/nsg-raw',
      () => ({ location: 'westeurope', properties: { securityRules: null, flushConnection: null } }),
      (got: Json) => expect(got.properties.securityRules).toEqual([]),
    ],
  ])('takes a %s with null members', async (_kind, path, body, check) => {
    const id = `${group}/providers/Microsoft.Network/${path}`;
    const put = await arm('PUT', id, net, body());
    expect(put).toMatchObject({ status: 201 });
    check((await arm('GET', id, net)).body);
  });

  it('takes a peering with null members', async () => {
    const remote = `${group}/providers/Microsoft.Network/virtualNetworks/vnet-remote`;
    await arm('PUT', remote, net, {
      location: 'westeurope',
      properties: { addressSpace: { addressPrefixes: ['10.42.0.0/16'] } },
    });
    const put = await arm('PUT', `${vnet()}/virtualNetworkPeerings/to-remote`, net, {
      properties: {
        remoteVirtualNetwork: { id: remote },
        allowForwardedTraffic: null,
        remoteSubnetNames: null,
      },
    });
    expect(put.status).toBe(201);
    expect(put.body.properties).toMatchObject({ allowForwardedTraffic: false });
    expect(put.body.properties).not.toHaveProperty('remoteSubnetNames');
  });

  it('takes a scale set whose customData is null, and a container group with null members', async () => {
    const scaleSet = await arm(
      'PUT',
      `${group}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-raw`,
      '2024-07-01',
      {
        location: 'westeurope',
        sku: { name: 'Standard_B1s', capacity: 0 },
        properties: {
          virtualMachineProfile: {
            osProfile: { computerNamePrefix: 'raw', adminUsername: 'azureuser', customData: null },
            networkProfile: { networkInterfaceConfigurations: [] },
          },
        },
      },
    );
    expect(scaleSet.status).toBe(201);
    const aci = `${group}/providers/Microsoft.ContainerInstance/containerGroups/aci-raw`;
    const container = {
      name: 'c',
      properties: { image: 'busybox', ports: null, environmentVariables: null },
    };
    const put = await arm('PUT', aci, '2023-05-01', {
      location: 'westeurope',
      properties: {
        containers: [container],
        osType: 'Linux',
        volumes: null,
        subnetIds: null,
        ipAddress: null,
      },
    });
    expect(put.status).toBe(201);
    const got = (await arm('GET', aci, '2023-05-01')).body;
    expect(got.properties).not.toHaveProperty('volumes');
    expect(got.properties.containers[0].properties).not.toHaveProperty('ports');
  });

  it('takes a private DNS record set, a generic resource and a deployment with null members', async () => {
    const zone = `${group}/providers/Microsoft.Network/privateDnsZones/nulls.internal`;
    await arm('PUT', zone, '2024-06-01', { location: 'global', tags: null });
    for (let i = 0; i < 50 && (await arm('GET', zone, '2024-06-01')).status !== 200; i++);
    const set = await arm('PUT', `${zone}/A/www`, '2024-06-01', {
      properties: { ttl: 300, aRecords: null, metadata: null },
    });
    expect(set.status).toBe(201);
    expect(set.body.properties.aRecords).toEqual([]);
    expect(set.body.properties).not.toHaveProperty('metadata');
    const identity = `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-raw`;
    const generic = await arm('PUT', identity, '2023-01-31', {
      location: 'westeurope',
      tags: null,
      properties: null,
    });
    expect(generic.status).toBe(201);
    expect(generic.body).not.toHaveProperty('tags');
    const deployment = await arm(
      'PUT',
      `${group}/providers/Microsoft.Resources/deployments/linkless`,
      '2024-03-01',
      {
        properties: {
          mode: 'Incremental',
          template: { $schema: 'x', contentVersion: '1.0.0.0', resources: [] },
          templateLink: null,
          parametersLink: null,
          parameters: null,
          debugSetting: null,
        },
      },
    );
    expect(deployment.status).toBe(201);
  });
});
