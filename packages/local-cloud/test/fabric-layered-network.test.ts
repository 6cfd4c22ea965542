import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ResourceStore, type ResourceRecord } from '../src/internal/arm/resource-store.js';
import { startFabric, type Fabric } from '../src/fabric/fabric.js';

/**
 * What nested layers need from the fabric, from records in their ARM shapes (Network 2024-05-01, Compute 2024-07-01,
 * ContainerInstance 2023-05-01), proven with real packets: three VNets peered A-B and B-C (peering is not
 * transitive), a network security group's priorities with the Internet tag on the outbound of a NAT subnet, and a
 * VNet's DNS servers used by its instances and container groups (unless a group names its own).
 */
const rg = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-layered/providers';
const vnet = (name: string) => `${rg}/Microsoft.Network/virtualNetworks/vnet-${name}`;
const box = (name: string) => `${rg}/Microsoft.ContainerInstance/containerGroups/${name}`;
const nsgId = `${rg}/Microsoft.Network/networkSecurityGroups/nsg-c`;
const nsgAId = `${rg}/Microsoft.Network/networkSecurityGroups/nsg-a`;
const natId = `${rg}/Microsoft.Network/natGateways/ng-c`;
const pipId = `${rg}/Microsoft.Network/publicIPAddresses/pip-c`;
const setId = `${rg}/Microsoft.Compute/virtualMachineScaleSets/vmss-a`;
const space = { a: '10.85.0.0/24', b: '10.86.0.0/24', c: '10.87.0.0/24' };
const address = { a1: '10.85.0.10', a2: '10.85.0.11', b1: '10.86.0.10', c1: '10.87.0.10' };
const origins = [
  { name: 'allowed.example.net', ip: '198.51.100.111' },
  { name: 'other.example.net', ip: '198.51.100.112' },
];

const store = new ResourceStore();
let fabric: Fabric;
const put = (record: ResourceRecord) => store.resources.set(record.id.toLowerCase(), record);

function network(name: 'a' | 'b' | 'c', peers: string[], dnsServers: string[] = []): ResourceRecord {
  const subnetProperties: Record<string, unknown> = { addressPrefix: space[name].replace('/24', '/26') };
  if (name === 'c')
    Object.assign(subnetProperties, { natGateway: { id: natId }, networkSecurityGroup: { id: nsgId } });
  if (name === 'a') Object.assign(subnetProperties, { networkSecurityGroup: { id: nsgAId } });
  return {
    id: vnet(name),
    name: `vnet-${name}`,
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: [space[name]] },
      dhcpOptions: { dnsServers },
      subnets: [{ id: `${vnet(name)}/subnets/default`, name: 'default', properties: subnetProperties }],
      virtualNetworkPeerings: peers.map((peer) => ({
        id: `${vnet(name)}/virtualNetworkPeerings/to-${peer}`,
        name: `to-${peer}`,
        properties: { remoteVirtualNetwork: { id: vnet(peer) }, peeringState: 'Connected' },
      })),
    },
  };
}

function group(name: string, vnetName: string, ip: string, nameServers?: string[]): ResourceRecord {
  return {
    id: box(name),
    name,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location: 'westeurope',
    properties: {
      subnetIds: [{ id: `${vnet(vnetName)}/subnets/default` }],
      ipAddress: { type: 'Private', ip },
      ...(nameServers === undefined ? {} : { dnsConfig: { nameServers } }),
      instanceView: { state: 'Running' },
      containers: [],
    },
  };
}

function securityGroup(rules: Record<string, unknown>[]): ResourceRecord {
  return {
    id: nsgId,
    name: 'nsg-c',
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: {
      securityRules: rules.map((properties, i) => ({
        name: `rule${i}`,
        properties: {
          protocol: '*',
          sourceAddressPrefix: '*',
          sourcePortRange: '*',
          destinationPortRange: '*',
          ...properties,
        },
      })),
    },
  };
}

async function connects(from: string, ip: string, port = 8080): Promise<boolean> {
  const { code } = await fabric.run(box(from), ['nc', '-z', '-w', '1', ip, String(port)]);
  return code === 0;
}

async function resolves(id: string, name: string): Promise<string> {
  return (await fabric.run(id, ['dig', '+short', '+time=1', '+tries=2', name])).stdout.trim();
}

beforeAll(async () => {
  put({
    id: pipId,
    name: 'pip-c',
    type: 'Microsoft.Network/publicIPAddresses',
    location: 'westeurope',
    properties: { ipAddress: '203.0.113.210' },
  });
  put({
    id: natId,
    name: 'ng-c',
    type: 'Microsoft.Network/natGateways',
    location: 'westeurope',
    properties: { publicIpAddresses: [{ id: pipId }] },
  });
  put(securityGroup([]));
  // A denies Internet outbound, as a lower layer does, although it has no way out anyway.
  put({
    id: nsgAId,
    name: 'nsg-a',
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: {
      securityRules: [
        {
          name: 'deny-internet-outbound',
          properties: {
            priority: 4000,
            direction: 'Outbound',
            access: 'Deny',
            protocol: '*',
            sourceAddressPrefix: '*',
            sourcePortRange: '*',
            destinationAddressPrefix: 'Internet',
            destinationPortRange: '*',
          },
        },
      ],
    },
  });
  // A's VNet resolves through B's DNS server, as a lower layer resolves through the layer above.
  put(network('a', ['b'], [address.b1]));
  put(network('b', ['a', 'c']));
  put(network('c', ['b']));
  put(group('a1', 'a', address.a1));
  put(group('a2', 'a', address.a2, ['168.63.129.16']));
  put(group('b1', 'b', address.b1));
  put(group('c1', 'c', address.c1));
  put({
    id: setId,
    name: 'vmss-a',
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: 'westeurope',
    sku: { name: 'Standard_B1s', capacity: 1 },
    properties: {
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: 'vma' },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: 'nic',
              properties: {
                ipConfigurations: [
                  { name: 'ipconfig', properties: { subnet: { id: `${vnet('a')}/subnets/default` } } },
                ],
              },
            },
          ],
        },
      },
    },
  });
  fabric = await startFabric(store, { internet: { hosts: origins } });
  await fabric.settled();
  for (const name of ['b1', 'c1', 'a1'])
    fabric.exec(box(name), ['socat', 'TCP-LISTEN:8080,fork,reuseaddr', 'SYSTEM:echo ok']);
  // B's DNS server: answers one name itself, as a layer's dnsmasq answers its allow-list.
  fabric.exec(box('b1'), [
    'dnsmasq',
    '-k',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--user=root',
    `--listen-address=${address.b1}`,
    '--bind-interfaces',
    '--address=/probe.layer.example/10.9.9.9',
  ]);
  for (let i = 0; i < 50 && !(await connects('a1', address.b1)); i++)
    await new Promise((w) => setTimeout(w, 50));
}, 60_000);

afterAll(async () => {
  const runId = fabric?.names.runId;
  await fabric?.stop();
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`azlc-${runId}-`);
});

describe('peering is not transitive', () => {
  it('A reaches B and B reaches C, but A never reaches C nor C A', async () => {
    expect(await connects('a1', address.b1)).toBe(true);
    expect(await connects('b1', address.c1)).toBe(true);
    expect(await connects('c1', address.b1)).toBe(true);
    expect(await connects('a1', address.c1)).toBe(false);
    expect(await connects('c1', address.a1)).toBe(false);
  });
});

describe("a network security group's priorities, with the Internet tag on outbound", () => {
  const reaches = (ip: string) => connects('c1', ip, 443);

  it('a NAT subnet reaches the internet by the default rules', async () => {
    expect(await reaches(origins[0]!.ip)).toBe(true);
    expect(await reaches(origins[1]!.ip)).toBe(true);
  });

  it('a deny of Internet blocks every public address but leaves VirtualNetwork (the peer) reachable', async () => {
    put(
      securityGroup([
        { priority: 4000, direction: 'Outbound', access: 'Deny', destinationAddressPrefix: 'Internet' },
      ]),
    );
    await fabric.settled();
    expect(await reaches(origins[0]!.ip)).toBe(false);
    expect(await reaches(origins[1]!.ip)).toBe(false);
    expect(await connects('c1', address.b1)).toBe(true);
  });

  it('an allow with a lower priority number wins over the Internet deny, for its address only', async () => {
    put(
      securityGroup([
        {
          priority: 100,
          direction: 'Outbound',
          access: 'Allow',
          destinationAddressPrefix: `${origins[0]!.ip}/32`,
        },
        { priority: 4000, direction: 'Outbound', access: 'Deny', destinationAddressPrefix: 'Internet' },
      ]),
    );
    await fabric.settled();
    expect(await reaches(origins[0]!.ip)).toBe(true);
    expect(await reaches(origins[1]!.ip)).toBe(false);
  });

  it('a deny counts what it stopped, by group and rule, even from a VNet without any way out', async () => {
    const before = (await fabric.securityRuleHits())['nsg-a/deny-internet-outbound'] ?? 0;
    expect(await connects('a1', origins[0]!.ip, 443)).toBe(false);
    const after = (await fabric.securityRuleHits())['nsg-a/deny-internet-outbound'] ?? 0;
    expect(after).toBeGreaterThan(before);
    // The peer is VirtualNetwork: Azure's default rule let it through, and counted it.
    expect((await fabric.securityRuleHits())['nsg-a/AllowVnetOutBound']).toBeGreaterThan(0);
  });

  it('with the priorities swapped the Internet deny comes first and wins', async () => {
    put(
      securityGroup([
        {
          priority: 200,
          direction: 'Outbound',
          access: 'Allow',
          destinationAddressPrefix: `${origins[0]!.ip}/32`,
        },
        { priority: 100, direction: 'Outbound', access: 'Deny', destinationAddressPrefix: 'Internet' },
      ]),
    );
    await fabric.settled();
    expect(await reaches(origins[0]!.ip)).toBe(false);
    put(securityGroup([]));
    await fabric.settled();
  });
});

describe("a VNet's DNS servers", () => {
  it('are what its container groups resolve with, unless a group names its own', async () => {
    expect(await resolves(box('a1'), 'probe.layer.example')).toBe('10.9.9.9');
    const { stdout } = await fabric.run(box('a1'), ['cat', '/etc/resolv.conf']);
    expect(stdout).toBe(`nameserver ${address.b1}\n`);
    // a2's dnsConfig names Azure DNS, which knows the public names but not B's.
    expect(await resolves(box('a2'), 'probe.layer.example')).toBe('');
    expect(await resolves(box('a2'), origins[0]!.name)).toBe(origins[0]!.ip);
  });

  it('are what its instances resolve with', async () => {
    const instance = `${setId}/virtualMachines/0`;
    expect((await fabric.run(instance, ['cat', '/etc/resolv.conf'])).stdout).toBe(
      `nameserver ${address.b1}\n`,
    );
    expect(await resolves(instance, 'probe.layer.example')).toBe('10.9.9.9');
  });

  it('apply to a container group as soon as they change', async () => {
    put(network('a', ['b']));
    await fabric.settled();
    expect((await fabric.run(box('a1'), ['cat', '/etc/resolv.conf'])).stdout).toBe(
      'nameserver 168.63.129.16\n',
    );
    expect(await resolves(box('a1'), 'probe.layer.example')).toBe('');
  });
});
