import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ResourceStore, type ResourceRecord } from '../src/internal/arm/resource-store.js';
import { startFabric, type Fabric } from '../src/fabric/fabric.js';

/**
 * VNets, peering and network security groups from records put in the store in their ARM shapes
 * (Microsoft.Network 2024-05-01, ContainerInstance 2023-05-01), checked with real TCP between container groups.
 */
const rg = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers';
const vnetA = `${rg}/Microsoft.Network/virtualNetworks/vnet-a`;
const vnetB = `${rg}/Microsoft.Network/virtualNetworks/vnet-b`;
const nsgId = `${rg}/Microsoft.Network/networkSecurityGroups/nsg-a`;
const groups = {
  a1: `${rg}/Microsoft.ContainerInstance/containerGroups/a1`,
  a2: `${rg}/Microsoft.ContainerInstance/containerGroups/a2`,
  b1: `${rg}/Microsoft.ContainerInstance/containerGroups/b1`,
};

const store = new ResourceStore();
let fabric: Fabric;

function put(record: ResourceRecord): void {
  store.resources.set(record.id.toLowerCase(), record);
}

function vnet(id: string, space: string, peerWith?: string): ResourceRecord {
  const subnet = {
    id: `${id}/subnets/default`,
    name: 'default',
    properties: {
      addressPrefix: space.replace('/24', '/26'),
      ...(id === vnetA ? { networkSecurityGroup: { id: nsgId } } : {}),
    },
  };
  const peerings =
    peerWith === undefined
      ? []
      : [
          {
            id: `${id}/virtualNetworkPeerings/to-peer`,
            name: 'to-peer',
            properties: { remoteVirtualNetwork: { id: peerWith }, peeringState: 'Connected' },
          },
        ];
  return {
    id,
    name: id.split('/').pop()!,
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: [space] },
      subnets: [subnet],
      virtualNetworkPeerings: peerings,
    },
  };
}

function group(id: string, vnetId: string, ip: string): ResourceRecord {
  return {
    id,
    name: id.split('/').pop()!,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location: 'westeurope',
    properties: {
      subnetIds: [{ id: `${vnetId}/subnets/default` }],
      ipAddress: { type: 'Private', ip },
      instanceView: { state: 'Running' },
      containers: [],
    },
  };
}

function nsg(rules: Record<string, unknown>[]): ResourceRecord {
  return {
    id: nsgId,
    name: 'nsg-a',
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: { securityRules: rules.map((properties, i) => ({ name: `rule${i}`, properties })) },
  };
}

async function connects(from: string, address: string): Promise<boolean> {
  const { stdout } = await fabric.run(from, ['sh', '-c', `nc -w 1 ${address} 8080 </dev/null`]);
  return stdout.includes('ok');
}

beforeAll(async () => {
  put(vnet(vnetA, '10.80.0.0/24'));
  put(vnet(vnetB, '10.81.0.0/24'));
  put(nsg([]));
  put(group(groups.a1, vnetA, '10.80.0.10'));
  put(group(groups.a2, vnetA, '10.80.0.11'));
  put(group(groups.b1, vnetB, '10.81.0.10'));
  fabric = await startFabric(store, { publicRecords: [{ name: 'api.example.org', ip: '203.0.113.7' }] });
  await fabric.settled();
  // A listener in a1, started through exec like any command in the group.
  fabric.exec(groups.a1, ['socat', 'TCP-LISTEN:8080,fork,reuseaddr', 'SYSTEM:echo ok']);
  for (let i = 0; i < 50 && !(await connects(groups.a2, '10.80.0.10')); i++)
    await new Promise((w) => setTimeout(w, 50));
}, 30_000);

afterAll(async () => {
  const runId = fabric?.names.runId;
  await fabric?.stop();
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`azlc-${runId}-`);
});

describe('VNets, peering and network security groups', () => {
  it('no route between VNets that are not peered; the default rules allow the subnet itself', async () => {
    expect(await connects(groups.a2, '10.80.0.10')).toBe(true);
    expect(await connects(groups.b1, '10.80.0.10')).toBe(false);
  });

  it('peering both ways (not one way) connects the VNets; VirtualNetwork covers the peer', async () => {
    put(vnet(vnetA, '10.80.0.0/24', vnetB));
    await fabric.settled();
    expect(await connects(groups.b1, '10.80.0.10')).toBe(false);
    put(vnet(vnetB, '10.81.0.0/24', vnetA));
    await fabric.settled();
    expect(await connects(groups.b1, '10.80.0.10')).toBe(true);
  });

  it('NSG rules apply in priority order: a deny for the peer, then a higher-priority allow for one address', async () => {
    put(
      nsg([
        {
          priority: 200,
          direction: 'Inbound',
          access: 'Deny',
          protocol: 'Tcp',
          sourceAddressPrefix: '10.81.0.0/24',
          destinationAddressPrefix: '*',
          destinationPortRange: '8080',
          sourcePortRange: '*',
        },
      ]),
    );
    await fabric.settled();
    expect(await connects(groups.b1, '10.80.0.10')).toBe(false);
    expect(await connects(groups.a2, '10.80.0.10')).toBe(true);
    put(
      nsg([
        {
          priority: 200,
          direction: 'Inbound',
          access: 'Deny',
          protocol: 'Tcp',
          sourceAddressPrefix: '10.81.0.0/24',
          destinationAddressPrefix: '*',
          destinationPortRange: '8080',
          sourcePortRange: '*',
        },
        {
          priority: 100,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddressPrefix: '10.81.0.10',
          destinationAddressPrefix: 'VirtualNetwork',
          destinationPortRanges: ['8000-8090'],
          sourcePortRange: '*',
        },
      ]),
    );
    await fabric.settled();
    expect(await connects(groups.b1, '10.80.0.10')).toBe(true);
  });

  it('an outbound deny of VirtualNetwork stops the subnet from reaching its neighbour', async () => {
    put(
      nsg([
        {
          priority: 300,
          direction: 'Outbound',
          access: 'Deny',
          protocol: '*',
          sourceAddressPrefix: '*',
          destinationAddressPrefix: 'VirtualNetwork',
          destinationPortRange: '*',
          sourcePortRange: '*',
        },
      ]),
    );
    await fabric.settled();
    expect(await connects(groups.a2, '10.80.0.10')).toBe(false);
    put(nsg([]));
    await fabric.settled();
    expect(await connects(groups.a2, '10.80.0.10')).toBe(true);
  });

  it('removing one side of the peering disconnects the VNets', async () => {
    put(vnet(vnetA, '10.80.0.0/24'));
    await fabric.settled();
    expect(await connects(groups.b1, '10.80.0.10')).toBe(false);
  });

  it('Azure DNS at 168.63.129.16 answers the public stand-in in every VNet; a linked zone shadows its names', async () => {
    const dig = async (from: string) =>
      (await fabric.run(from, ['dig', '+short', '+time=1', '+tries=1', 'api.example.org'])).stdout.trim();
    expect(await dig(groups.b1)).toBe('203.0.113.7');
    const zone = `${rg}/Microsoft.Network/privateDnsZones/example.org`;
    put({
      id: zone,
      name: 'example.org',
      type: 'Microsoft.Network/privateDnsZones',
      location: 'global',
      properties: {},
    });
    put({
      id: `${zone}/virtualNetworkLinks/link-b`,
      name: 'link-b',
      type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      location: 'global',
      properties: { virtualNetwork: { id: vnetB }, registrationEnabled: false },
    });
    put({
      id: `${zone}/A/api`,
      name: 'api',
      type: 'Microsoft.Network/privateDnsZones/A',
      properties: { ttl: 10, aRecords: [{ ipv4Address: '10.81.0.99' }] },
    });
    await fabric.settled();
    expect(await dig(groups.b1)).toBe('10.81.0.99');
    expect(await dig(groups.a1)).toBe('203.0.113.7');
  });
});
