import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceStore } from '../src/internal/arm/resource-store.js';
import { FaultInjector } from '../src/internal/control/fault-injector.js';
import type { ArmContext } from '../src/internal/arm/arm-provider.js';
import { computePlugin } from '../src/internal/providers/compute/index.js';
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
const rg = 'rg-fwd';
const location = 'westeurope';
const poll = { updateIntervalInMs: 20 };
const customData = Buffer.from('#cloud-config\nruncmd: [echo hi]\n').toString('base64');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
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
  ).resourceGroups.createOrUpdate(rg, { location });
});
afterAll(async () => local.stop());

const groupId = () => `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`;
const scaleSetId = (name: string) =>
  `${groupId()}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;

/** A raw ARM call (there is no Compute SDK in the repo), with the cloud's token. */
async function arm(method: string, path: string, body?: unknown, version = '2024-07-01') {
  const token = (await credential.getToken(`${local.cloud.audience}.default`)).token;
  const url = path.startsWith('https://')
    ? path
    : `${local.cloud.resourceManager}${path.slice(1)}?api-version=${version}`;
  return cloudRequest(local.cloud.caPem, method, url, {
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
  });
}

function scaleSetBody(subnetId: string, poolId: string, capacity: number): Json {
  return {
    location,
    sku: { name: 'Standard_B1s', tier: 'Standard', capacity },
    properties: {
      orchestrationMode: 'Uniform',
      overprovision: false,
      upgradePolicy: { mode: 'Automatic' },
      virtualMachineProfile: {
        storageProfile: { osDisk: { createOption: 'FromImage' } },
        osProfile: { computerNamePrefix: 'fwd', adminUsername: 'azureuser', customData },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: 'nic',
              properties: {
                primary: true,
                enableIPForwarding: true,
                ipConfigurations: [
                  {
                    name: 'ipconfig',
                    properties: {
                      subnet: { id: subnetId },
                      loadBalancerBackendAddressPools: [{ id: poolId }],
                    },
                  },
                ],
              },
            },
          ],
        },
        extensionProfile: {
          extensions: [
            {
              name: 'HealthExtension',
              properties: {
                publisher: 'Microsoft.ManagedServices',
                type: 'ApplicationHealthLinux',
                typeHandlerVersion: '2.0',
                settings: { protocol: 'tcp', port: 443 },
              },
            },
          ],
        },
      },
    },
  };
}

/** The forwarder's network graph through the SDK: hub/spoke, NAT gateway + public IP, internal LB, PLS, PE. */
async function createForwarderNetwork() {
  const pip = await network.publicIPAddresses.beginCreateOrUpdateAndWait(
    rg,
    'pip-nat',
    {
      location,
      sku: { name: 'Standard' },
      publicIPAllocationMethod: 'Static',
      publicIPAddressVersion: 'IPv4',
    },
    poll,
  );
  const gateway = await network.natGateways.beginCreateOrUpdateAndWait(
    rg,
    'ng',
    { location, sku: { name: 'Standard' }, publicIpAddresses: [{ id: pip.id! }] },
    poll,
  );
  const hub = await network.virtualNetworks.beginCreateOrUpdateAndWait(
    rg,
    'vnet-hub',
    {
      location,
      addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
      subnets: [
        {
          name: 'shared',
          addressPrefix: '10.10.1.0/24',
          natGateway: { id: gateway.id! },
          privateLinkServiceNetworkPolicies: 'Disabled',
        },
      ],
    },
    poll,
  );
  const spoke = await network.virtualNetworks.beginCreateOrUpdateAndWait(
    rg,
    'vnet-spoke',
    {
      location,
      addressSpace: { addressPrefixes: ['10.20.0.0/16'] },
      subnets: [
        { name: 'endpoints', addressPrefix: '10.20.1.0/24', privateEndpointNetworkPolicies: 'Disabled' },
      ],
    },
    poll,
  );
  const shared = hub.subnets![0]!.id!;
  const lbId = `${groupId()}/providers/Microsoft.Network/loadBalancers/lb`;
  const balancer = await network.loadBalancers.beginCreateOrUpdateAndWait(
    rg,
    'lb',
    {
      location,
      sku: { name: 'Standard', tier: 'Regional' },
      frontendIPConfigurations: [
        {
          name: 'frontend',
          subnet: { id: shared },
          privateIPAllocationMethod: 'Static',
          privateIPAddress: '10.10.1.10',
        },
      ],
      backendAddressPools: [{ name: 'forwarders' }],
      probes: [{ name: 'tcp-443', protocol: 'Tcp', port: 443, intervalInSeconds: 5, probeThreshold: 2 }],
      loadBalancingRules: [
        {
          name: 'tcp-443',
          frontendIPConfiguration: { id: `${lbId}/frontendIPConfigurations/frontend` },
          backendAddressPool: { id: `${lbId}/backendAddressPools/forwarders` },
          probe: { id: `${lbId}/probes/tcp-443` },
          protocol: 'Tcp',
          frontendPort: 443,
          backendPort: 443,
        },
      ],
    },
    poll,
  );
  const service = await network.privateLinkServices.beginCreateOrUpdateAndWait(
    rg,
    'pls',
    {
      location,
      loadBalancerFrontendIpConfigurations: [{ id: balancer.frontendIPConfigurations![0]!.id! }],
      ipConfigurations: [
        { name: 'nat', primary: true, privateIPAllocationMethod: 'Dynamic', subnet: { id: shared } },
      ],
      visibility: { subscriptions: [local.cloud.subscriptionId] },
      autoApproval: { subscriptions: [local.cloud.subscriptionId] },
    },
    poll,
  );
  const endpoint = await network.privateEndpoints.beginCreateOrUpdateAndWait(
    rg,
    'pe',
    {
      location,
      subnet: { id: spoke.subnets![0]!.id! },
      customNetworkInterfaceName: 'nic-pe',
      privateLinkServiceConnections: [{ name: 'forwarder', privateLinkServiceId: service.id! }],
    },
    poll,
  );
  return { pip, gateway, hub, shared, balancer, service, endpoint };
}

describe('the forwarder graph: network through arm-network, the scale set through Compute REST', () => {
  let graph: Awaited<ReturnType<typeof createForwarderNetwork>>;
  let poolId = '';

  beforeAll(async () => {
    graph = await createForwarderNetwork();
    poolId = graph.balancer.backendAddressPools![0]!.id!;
  });

  it('has the back-references, the PE NIC address and the PLS alias', async () => {
    expect(graph.pip.ipAddress).toMatch(/^203\.0\.113\./);
    expect((await network.natGateways.get(rg, 'ng')).subnets).toEqual([{ id: graph.shared }]);
    expect(graph.balancer.frontendIPConfigurations![0]!.privateIPAddress).toBe('10.10.1.10');
    expect(graph.service.alias).toMatch(/^pls\.[0-9a-f-]{36}\.westeurope\.azure\.privatelinkservice$/);
    expect(graph.service.ipConfigurations![0]!.privateIPAddress).toBe('10.10.1.4');
    const nic = await network.networkInterfaces.get(rg, 'nic-pe');
    expect(nic.ipConfigurations![0]!.privateIPAddress).toBe('10.20.1.4');
    expect(graph.endpoint.networkInterfaces).toEqual([{ id: nic.id }]);
    expect(graph.endpoint.privateLinkServiceConnections![0]!.privateLinkServiceConnectionState!.status).toBe(
      'Approved',
    );
  });

  it("creates the scale set with Compute's operation protocol; customData is stored but never answered", async () => {
    await admin.setLatencies({ longRunningMs: 600_000 });
    const put = await arm('PUT', scaleSetId('vmss'), scaleSetBody(graph.shared, poolId, 2));
    await admin.setLatencies({ longRunningMs: 0 });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ properties: { provisioningState: 'Creating' } });
    const operation = String(put.headers['azure-asyncoperation']);
    expect(operation).toMatch(
      /\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\/locations\/westeurope\/operations\/[0-9a-f-]+\?api-version=2024-07-01$/,
    );
    const running = (await arm('GET', operation)).body as Json;
    expect(running).toEqual({
      startTime: expect.any(String),
      status: 'InProgress',
      name: expect.any(String),
    });
    await admin.advanceClock(601);
    const done = (await arm('GET', operation)).body as Json;
    expect(done).toMatchObject({ status: 'Succeeded', endTime: expect.any(String) });
    expect(Date.parse(done.endTime) - Date.parse(done.startTime)).toBe(600_000);
    const got = (await arm('GET', scaleSetId('vmss'))).body as Json;
    expect(got.properties.provisioningState).toBe('Succeeded');
    expect(got.properties.virtualMachineProfile.osProfile).toEqual({
      computerNamePrefix: 'fwd',
      adminUsername: 'azureuser',
    });
    expect(got.properties.virtualMachineProfile.extensionProfile.extensions[0].properties.settings).toEqual({
      protocol: 'tcp',
      port: 443,
    });
    expect(JSON.stringify(put.body)).not.toContain(customData);
    const listed = (await arm('GET', `${groupId()}/providers/Microsoft.Compute/virtualMachineScaleSets`))
      .body as Json;
    expect(JSON.stringify(listed)).not.toContain(customData);
  });

  it('has instances named as Azure names them, each with a NIC in the subnet joined to the pool', async () => {
    const vms = ((await arm('GET', `${scaleSetId('vmss')}/virtualMachines`)).body as Json).value as Json[];
    expect(vms.map((vm) => [vm.name, vm.instanceId, vm.properties.osProfile.computerName])).toEqual([
      ['vmss_0', '0', 'fwd000000'],
      ['vmss_1', '1', 'fwd000001'],
    ]);
    const one = (await arm('GET', `${scaleSetId('vmss')}/virtualMachines/1`)).body as Json;
    expect(one.id).toBe(`${scaleSetId('vmss')}/virtualMachines/1`);
    expect(one.properties.osProfile.customData).toBeUndefined();
    const nics: Json[] = [];
    for await (const nic of network.networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(rg, 'vmss'))
      nics.push(nic);
    // 10.10.1.4 is the PLS NAT address and 10.10.1.10 the frontend: the instances take the next free ones.
    expect(nics.map((n) => [n.id, n.ipConfigurations[0].privateIPAddress, n.enableIPForwarding])).toEqual([
      [`${scaleSetId('vmss')}/virtualMachines/0/networkInterfaces/nic`, '10.10.1.5', true],
      [`${scaleSetId('vmss')}/virtualMachines/1/networkInterfaces/nic`, '10.10.1.6', true],
    ]);
    const single = await network.networkInterfaces.getVirtualMachineScaleSetNetworkInterface(
      rg,
      'vmss',
      '1',
      'nic',
    );
    expect(single.virtualMachine).toEqual({ id: `${scaleSetId('vmss')}/virtualMachines/1` });
    const pool = (await network.loadBalancers.get(rg, 'lb')).backendAddressPools![0]!;
    expect(pool.backendIPConfigurations!.map((c) => c.id)).toEqual(nics.map((n) => n.ipConfigurations[0].id));
    const hub = await network.virtualNetworks.get(rg, 'vnet-hub');
    expect(hub.subnets![0]!.ipConfigurations!.map((c) => c.id)).toEqual(
      expect.arrayContaining(nics.map((n) => n.ipConfigurations[0].id)),
    );
    // The scale set's NICs are not the resource group's NICs.
    const groupNics: string[] = [];
    for await (const nic of network.networkInterfaces.list(rg)) groupNics.push(nic.name!);
    expect(groupNics).toEqual(['nic-pe']);
    const view = (await arm('GET', `${scaleSetId('vmss')}/instanceView`)).body as Json;
    expect(view.virtualMachine.statusesSummary).toEqual([{ code: 'ProvisioningState/succeeded', count: 2 }]);
  });

  it('scales out with new ids and in from the highest, releasing addresses and memberships', async () => {
    // A PATCH of the sku alone (as `az vmss scale` sends) scales and keeps the stored model.
    const patched = await arm('PATCH', scaleSetId('vmss'), { sku: { capacity: 3 } });
    expect(patched.status).toBe(200);
    expect((patched.body as Json).properties.virtualMachineProfile.osProfile.computerNamePrefix).toBe('fwd');
    let vms = ((await arm('GET', `${scaleSetId('vmss')}/virtualMachines`)).body as Json).value as Json[];
    expect(vms.map((vm) => vm.properties.osProfile.computerName)).toEqual([
      'fwd000000',
      'fwd000001',
      'fwd000002',
    ]);
    await arm('PUT', scaleSetId('vmss'), scaleSetBody(graph.shared, poolId, 1));
    vms = ((await arm('GET', `${scaleSetId('vmss')}/virtualMachines`)).body as Json).value as Json[];
    expect(vms.map((vm) => vm.instanceId)).toEqual(['0']);
    expect((await arm('GET', `${scaleSetId('vmss')}/virtualMachines/2`)).status).toBe(404);
    const pool = (await network.loadBalancers.get(rg, 'lb')).backendAddressPools![0]!;
    expect(pool.backendIPConfigurations!.map((c) => c.id)).toEqual([
      `${scaleSetId('vmss')}/virtualMachines/0/networkInterfaces/nic/ipConfigurations/ipconfig`,
    ]);
  });

  it('applies an updated model to the instances: a new pool joined, the address kept', async () => {
    const before = await network.networkInterfaces.getVirtualMachineScaleSetNetworkInterface(
      rg,
      'vmss',
      '0',
      'nic',
    );
    const balancer = await network.loadBalancers.get(rg, 'lb');
    balancer.backendAddressPools!.push({ name: 'second' });
    await network.loadBalancers.beginCreateOrUpdateAndWait(rg, 'lb', balancer, poll);
    const secondId = poolId.replace(/forwarders$/, 'second');
    expect((await arm('PUT', scaleSetId('vmss'), scaleSetBody(graph.shared, secondId, 1))).status).toBe(200);
    const after = await network.networkInterfaces.getVirtualMachineScaleSetNetworkInterface(
      rg,
      'vmss',
      '0',
      'nic',
    );
    expect(after.ipConfigurations![0]!.privateIPAddress).toBe(before.ipConfigurations![0]!.privateIPAddress);
    const pools = (await network.loadBalancers.get(rg, 'lb')).backendAddressPools!;
    expect(pools.map((p) => [p.name, p.backendIPConfigurations?.length ?? 0])).toEqual([
      ['forwarders', 0],
      ['second', 1],
    ]);
  });

  it('refuses a missing subnet, a bad capacity and a missing api-version with Azure codes', async () => {
    const missing = await arm('PUT', scaleSetId('bad'), scaleSetBody(`${graph.shared}-nope`, poolId, 1));
    expect([missing.status, (missing.body as Json).error.code]).toEqual([400, 'InvalidResourceReference']);
    const capacity = await arm('PUT', scaleSetId('bad'), scaleSetBody(graph.shared, poolId, -1));
    expect((capacity.body as Json).error.code).toBe('InvalidParameter');
    const version = await arm('GET', scaleSetId('vmss'), undefined, '1999-01-01');
    expect((version.body as Json).error.code).toBe('NoRegisteredProviderFound');
    expect((await arm('GET', scaleSetId('bad'))).status).toBe(404);
  });

  it('deletes the scale set with its instances, NICs and pool memberships; then the subnet frees', async () => {
    const deleted = await arm('DELETE', scaleSetId('vmss'));
    expect(deleted.status).toBe(202);
    expect(String(deleted.headers.location)).toContain(
      '/providers/Microsoft.Compute/locations/westeurope/operations/',
    );
    expect((await arm('GET', String(deleted.headers.location))).status).toBe(200);
    expect((await arm('GET', scaleSetId('vmss'))).status).toBe(404);
    expect((await arm('GET', `${scaleSetId('vmss')}/virtualMachines/0`)).status).toBe(404);
    const nicPath = `${scaleSetId('vmss')}/virtualMachines/0/networkInterfaces/nic`;
    expect((await arm('GET', nicPath, undefined, '2024-05-01')).status).toBe(404);
    const pool = (await network.loadBalancers.get(rg, 'lb')).backendAddressPools![0]!;
    expect(pool.backendIPConfigurations).toBeUndefined();
    const hub = await network.virtualNetworks.get(rg, 'vnet-hub');
    expect(hub.subnets![0]!.ipConfigurations!.some((c) => /virtualMachineScaleSets/i.test(c.id!))).toBe(
      false,
    );
  });
});

describe('the store the fabric reads', () => {
  it('keeps customData at properties.virtualMachineProfile.osProfile.customData while GET leaves it out', () => {
    const store = new ResourceStore();
    const sub = '00000000-0000-0000-0000-00000000000a';
    const group = `/subscriptions/${sub}/resourceGroups/rg`;
    store.resourceGroups.set(group.toLowerCase(), {
      id: group,
      name: 'rg',
      type: 'Microsoft.Resources/resourceGroups',
      location,
      properties: { provisioningState: 'Succeeded' },
    });
    const { route } = computePlugin.arm!;
    const context: ArmContext = {
      store,
      scenario: defaultScenario(),
      resourceManager: 'https://127.0.0.1/',
      latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 },
      faults: new FaultInjector([]),
      now: () => 0,
      providers: [computePlugin.arm!],
    };
    const call = (method: string, path: string, body?: unknown) =>
      route(
        {
          method,
          path,
          query: new URLSearchParams({ 'api-version': '2024-07-01' }),
          headers: {},
          bodyText: body === undefined ? '' : JSON.stringify(body),
          requestId: 'r',
          correlationId: 'c',
          startedAt: 0,
        },
        context,
      )!.run() as { status: number; body?: Json };
    const id = `${group}/providers/Microsoft.Compute/virtualMachineScaleSets/empty`;
    const body = scaleSetBody('', '', 0);
    body.properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations = [];
    expect(call('PUT', id, body).status).toBe(201);
    const stored = store.resources.get(id.toLowerCase())!;
    expect((stored.properties.virtualMachineProfile as Json).osProfile.customData).toBe(customData);
    expect(call('GET', id).body!.properties.virtualMachineProfile.osProfile.customData).toBeUndefined();
  });
});
