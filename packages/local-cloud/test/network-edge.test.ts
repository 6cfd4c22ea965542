import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import { validateNetworkBody } from '../src/internal/providers/network/network-schemas.js';
import { startLocalCloud, trustCloudCa, defaultScenario, type LocalCloud } from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

let local: LocalCloud;
let network: NetworkManagementClient;
const rg = 'rg-edge';
const poll = { updateIntervalInMs: 20 };
const location = 'westeurope';

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).resourceGroups.createOrUpdate(rg, { location });
});
afterAll(async () => local.stop());

/** The error code a rejected SDK call carries. */
async function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('public IP addresses and NAT gateways', () => {
  it('allocates distinct TEST-NET-3 addresses, kept across an update, and refuses Standard Dynamic', async () => {
    const standard = {
      location,
      sku: { name: 'Standard' as const },
      publicIPAllocationMethod: 'Static' as const,
    };
    const a = await network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, 'pip-a', standard, poll);
    const b = await network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, 'pip-b', standard, poll);
    expect(a.ipAddress).toMatch(/^203\.0\.113\.\d+$/);
    expect(b.ipAddress).toMatch(/^203\.0\.113\.\d+$/);
    expect(b.ipAddress).not.toBe(a.ipAddress);
    expect(a.sku).toEqual({ name: 'Standard', tier: 'Regional' });
    const again = await network.publicIPAddresses.beginCreateOrUpdateAndWait(
      rg,
      'pip-a',
      { ...standard, idleTimeoutInMinutes: 10 },
      poll,
    );
    expect(again.ipAddress).toBe(a.ipAddress);
    expect(again.idleTimeoutInMinutes).toBe(10);
    expect(
      await codeOf(
        network.publicIPAddresses.beginCreateOrUpdateAndWait(
          rg,
          'pip-dyn',
          { ...standard, publicIPAllocationMethod: 'Dynamic' },
          poll,
        ),
      ),
    ).toBe('StandardSkuPublicIPAddressesMustBeStatic');
  });

  it('links a NAT gateway to its public IP and subnets, and refuses deletes while they are in use', async () => {
    const pip = await network.publicIPAddresses.get(rg, 'pip-a');
    const gateway = await network.natGateways.beginCreateOrUpdateAndWait(
      rg,
      'ng',
      { location, sku: { name: 'Standard' }, publicIpAddresses: [{ id: pip.id! }], idleTimeoutInMinutes: 4 },
      poll,
    );
    expect(gateway.id).toMatch(/\/providers\/Microsoft\.Network\/natGateways\/ng$/);
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'vnet-nat',
      {
        location,
        addressSpace: { addressPrefixes: ['10.50.0.0/16'] },
        subnets: [{ name: 'shared', addressPrefix: '10.50.1.0/24', natGateway: { id: gateway.id! } }],
      },
      poll,
    );
    const subnetId = vnet.subnets![0]!.id!;
    expect((await network.natGateways.get(rg, 'ng')).subnets).toEqual([{ id: subnetId }]);
    expect((await network.publicIPAddresses.get(rg, 'pip-a')).natGateway).toEqual({ id: gateway.id });
    expect(await codeOf(network.natGateways.beginDeleteAndWait(rg, 'ng', poll))).toBe(
      'InUseNatGatewayCannotBeDeleted',
    );
    expect(await codeOf(network.publicIPAddresses.beginDeleteAndWait(rg, 'pip-a', poll))).toBe(
      'PublicIPAddressCannotBeDeleted',
    );
    expect(
      await codeOf(
        network.natGateways.beginCreateOrUpdateAndWait(
          rg,
          'ng-2',
          { location, sku: { name: 'Standard' }, publicIpAddresses: [{ id: `${pip.id!}-missing` }] },
          poll,
        ),
      ),
    ).toBe('InvalidResourceReference');
    const dangling = network.subnets.beginCreateOrUpdateAndWait(
      rg,
      'vnet-nat',
      'other',
      { addressPrefix: '10.50.2.0/24', natGateway: { id: `${gateway.id!}-missing` } },
      poll,
    );
    expect(await codeOf(dangling)).toBe('InvalidResourceReference');
    // Detach, then both deletes go through and the back-references disappear.
    await network.subnets.beginCreateOrUpdateAndWait(
      rg,
      'vnet-nat',
      'shared',
      { addressPrefix: '10.50.1.0/24' },
      poll,
    );
    expect((await network.natGateways.get(rg, 'ng')).subnets).toBeUndefined();
    await network.natGateways.beginDeleteAndWait(rg, 'ng', poll);
    expect((await network.publicIPAddresses.get(rg, 'pip-a')).natGateway).toBeUndefined();
    await network.publicIPAddresses.beginDeleteAndWait(rg, 'pip-a', poll);
    const names: string[] = [];
    for await (const p of network.publicIPAddresses.list(rg)) names.push(p.name!);
    expect(names).toEqual(['pip-b']);
    const all: string[] = [];
    for await (const p of network.publicIPAddresses.listAll()) all.push(p.name!);
    expect(all).toEqual(['pip-b']);
  });
});

describe('network security groups', () => {
  it("answers Azure's six default rules beside the rules given, with child ids", async () => {
    const nsg = await network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      'nsg',
      {
        location,
        securityRules: [
          {
            name: 'allow-ssh',
            protocol: 'Tcp',
            sourcePortRange: '*',
            destinationPortRange: '22',
            sourceAddressPrefix: 'VirtualNetwork',
            destinationAddressPrefix: '*',
            access: 'Allow',
            priority: 100,
            direction: 'Inbound',
          },
        ],
      },
      poll,
    );
    expect(nsg.securityRules!.map((r) => [r.id, r.priority])).toEqual([
      [`${nsg.id}/securityRules/allow-ssh`, 100],
    ]);
    expect(
      nsg.defaultSecurityRules!.map((r) => [
        r.name,
        r.direction,
        r.priority,
        r.access,
        r.destinationAddressPrefix,
      ]),
    ).toEqual([
      ['AllowVnetInBound', 'Inbound', 65000, 'Allow', 'VirtualNetwork'],
      ['AllowAzureLoadBalancerInBound', 'Inbound', 65001, 'Allow', '*'],
      ['DenyAllInBound', 'Inbound', 65500, 'Deny', '*'],
      ['AllowVnetOutBound', 'Outbound', 65000, 'Allow', 'VirtualNetwork'],
      ['AllowInternetOutBound', 'Outbound', 65001, 'Allow', 'Internet'],
      ['DenyAllOutBound', 'Outbound', 65500, 'Deny', '*'],
    ]);
    expect(nsg.defaultSecurityRules![0]!.id).toBe(`${nsg.id}/defaultSecurityRules/AllowVnetInBound`);
  });

  it('refuses a priority clash or one out of range, and deleting an NSG a subnet uses', async () => {
    const rule = {
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationPortRange: '80',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
      access: 'Allow',
      direction: 'Inbound',
    } as const;
    const clash = network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      'nsg-bad',
      {
        location,
        securityRules: [
          { name: 'a', priority: 200, ...rule },
          { name: 'b', priority: 200, ...rule },
        ],
      },
      poll,
    );
    expect(await codeOf(clash)).toBe('SecurityRuleConflict');
    // The SDK's serialiser never sends a mistyped body, so the schema is asked directly.
    const typed = validateNetworkBody('networkSecurityGroup', {
      location,
      properties: { securityRules: [{ name: 'a', properties: { ...rule, priority: '300' } }] },
    });
    expect(typed).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestFormat' } } });
    const low = network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      'nsg-bad',
      { location, securityRules: [{ name: 'a', priority: 99, ...rule }] },
      poll,
    );
    expect(await codeOf(low)).toBe('SecurityRuleInvalidPriority');
    const nsg = await network.networkSecurityGroups.get(rg, 'nsg');
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'vnet-nsg',
      {
        location,
        addressSpace: { addressPrefixes: ['10.60.0.0/16'] },
        subnets: [{ name: 'guarded', addressPrefix: '10.60.1.0/24', networkSecurityGroup: { id: nsg.id! } }],
      },
      poll,
    );
    // NetworkSecurityGroup.subnets is Subnet[] in the SDK, whose deserialiser adds the policy defaults.
    const guarded = (await network.networkSecurityGroups.get(rg, 'nsg')).subnets!.map((subnet) => subnet.id);
    expect(guarded).toEqual([vnet.subnets![0]!.id]);
    expect(await codeOf(network.networkSecurityGroups.beginDeleteAndWait(rg, 'nsg', poll))).toBe(
      'InUseNetworkSecurityGroupCannotBeDeleted',
    );
  });
});

describe('virtual network peerings', () => {
  it('is Initiated until the remote peers back, then Connected on both sides; a delete disconnects', async () => {
    const make = (name: string, prefix: string) =>
      network.virtualNetworks.beginCreateOrUpdateAndWait(
        rg,
        name,
        { location, addressSpace: { addressPrefixes: [prefix] } },
        poll,
      );
    const hub = await make('p-hub', '10.70.0.0/16');
    const spoke = await make('p-spoke', '10.71.0.0/16');
    const overlapping = await make('p-clash', '10.70.128.0/17');
    const first = await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
      rg,
      'p-hub',
      'hub-to-spoke',
      { remoteVirtualNetwork: { id: spoke.id! }, allowForwardedTraffic: true },
      poll,
    );
    expect(first).toMatchObject({
      id: `${hub.id}/virtualNetworkPeerings/hub-to-spoke`,
      peeringState: 'Initiated',
      allowForwardedTraffic: true,
      remoteAddressSpace: { addressPrefixes: ['10.71.0.0/16'] },
    });
    await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
      rg,
      'p-spoke',
      'spoke-to-hub',
      { remoteVirtualNetwork: { id: hub.id! } },
      poll,
    );
    expect((await network.virtualNetworkPeerings.get(rg, 'p-hub', 'hub-to-spoke')).peeringState).toBe(
      'Connected',
    );
    expect((await network.virtualNetworkPeerings.get(rg, 'p-spoke', 'spoke-to-hub')).peeringState).toBe(
      'Connected',
    );
    // The fabric reads peerings inline; a VNet re-PUT without them keeps them.
    await make('p-hub', '10.70.0.0/16');
    expect(
      (await network.virtualNetworks.get(rg, 'p-hub')).virtualNetworkPeerings!.map((p) => p.name),
    ).toEqual(['hub-to-spoke']);
    expect(
      await codeOf(
        network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
          rg,
          'p-hub',
          'clash',
          { remoteVirtualNetwork: { id: overlapping.id! } },
          poll,
        ),
      ),
    ).toBe('VnetAddressSpacesOverlap');
    await network.virtualNetworkPeerings.beginDeleteAndWait(rg, 'p-spoke', 'spoke-to-hub', poll);
    expect((await network.virtualNetworkPeerings.get(rg, 'p-hub', 'hub-to-spoke')).peeringState).toBe(
      'Disconnected',
    );
    const left: string[] = [];
    for await (const p of network.virtualNetworkPeerings.list(rg, 'p-spoke')) left.push(p.name!);
    expect(left).toEqual([]);
  });
});

describe('subnet delegations', () => {
  it('answers a delegation with its id under the subnet, its type and the service actions', async () => {
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'vnet-aci',
      {
        location,
        addressSpace: { addressPrefixes: ['10.80.0.0/16'] },
        subnets: [
          {
            name: 'jumpbox',
            addressPrefix: '10.80.1.0/24',
            delegations: [
              { name: 'container-groups', serviceName: 'Microsoft.ContainerInstance/containerGroups' },
            ],
          },
        ],
      },
      poll,
    );
    const subnet = vnet.subnets![0]!;
    expect(subnet.delegations).toEqual([
      expect.objectContaining({
        id: `${subnet.id}/delegations/container-groups`,
        name: 'container-groups',
        type: 'Microsoft.Network/virtualNetworks/subnets/delegations',
        serviceName: 'Microsoft.ContainerInstance/containerGroups',
        actions: ['Microsoft.Network/virtualNetworks/subnets/action'],
        provisioningState: 'Succeeded',
      }),
    ]);
  });
});
