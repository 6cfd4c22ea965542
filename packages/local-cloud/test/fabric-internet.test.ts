import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceStore, type ResourceRecord } from '../src/internal/arm/resource-store.js';
import { startFabric, type Fabric } from '../src/fabric/fabric.js';

/**
 * The simulated internet and what instances boot with, from records put in the store in their ARM shapes
 * (Network 2024-05-01, Compute 2024-07-01, ContainerInstance 2023-05-01): a public resolver and TLS origins that
 * only public egress reaches, certificates the boxes validate; cloud-init's packages installed from the mirror
 * over the instance's own network (and failing without one), programs absent until installed; the metadata
 * service's userData, which follows the scale set's model without a reboot.
 */
const mirrorDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'mirror');
const rg = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-inet/providers';
const vnetId = `${rg}/Microsoft.Network/virtualNetworks/vnet-inet`;
const natId = `${rg}/Microsoft.Network/natGateways/ng-inet`;
const pipId = `${rg}/Microsoft.Network/publicIPAddresses/pip-inet`;
const egressBox = `${rg}/Microsoft.ContainerInstance/containerGroups/egress`;
const privateBox = `${rg}/Microsoft.ContainerInstance/containerGroups/private`;
const egressSet = `${rg}/Microsoft.Compute/virtualMachineScaleSets/vmss-egress`;
const privateSet = `${rg}/Microsoft.Compute/virtualMachineScaleSets/vmss-private`;
const natAddress = '203.0.113.200';
const origin = { name: 'api.contoso-plant.example', ip: '198.51.100.101' };

const store = new ResourceStore();
let fabric: Fabric;
const put = (record: ResourceRecord) => store.resources.set(record.id.toLowerCase(), record);

const subnet = (name: string, prefix: string, extra: Record<string, unknown> = {}) => ({
  id: `${vnetId}/subnets/${name}`,
  name,
  properties: { addressPrefix: prefix, ...extra },
});

function group(id: string, subnetName: string, ip: string): ResourceRecord {
  return {
    id,
    name: id.split('/').pop()!,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location: 'westeurope',
    properties: {
      subnetIds: [{ id: `${vnetId}/subnets/${subnetName}` }],
      ipAddress: { type: 'Private', ip },
      instanceView: { state: 'Running' },
      containers: [],
    },
  };
}

function scaleSet(
  id: string,
  subnetName: string,
  prefix: string,
  cloudConfig: string,
  userData: string,
): ResourceRecord {
  return {
    id,
    name: id.split('/').pop()!,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: 'westeurope',
    sku: { name: 'Standard_B1s', capacity: 1 },
    properties: {
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: prefix, customData: Buffer.from(cloudConfig).toString('base64') },
        userData: Buffer.from(userData).toString('base64'),
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: 'nic',
              properties: {
                ipConfigurations: [
                  { name: 'ipconfig', properties: { subnet: { id: `${vnetId}/subnets/${subnetName}` } } },
                ],
              },
            },
          ],
        },
      },
    },
  };
}

const installing = (packages: string[]) =>
  [
    '#cloud-config',
    'apt:',
    '  conf: |',
    '    Acquire::Retries "1";',
    '  primary:',
    '    - arches: [default]',
    '      uri: https://deb.debian.org/debian',
    `packages: [${packages.join(', ')}]`,
    'runcmd:',
    '  - [sh, -c, "test -x /usr/sbin/haproxy && echo haproxy-ready || echo haproxy-missing"]',
  ].join('\n');

async function run(id: string, command: string): Promise<{ stdout: string; code: number | null }> {
  return fabric.run(id, ['sh', '-c', command]);
}

async function booted(id: string): Promise<string> {
  for (
    let i = 0;
    i < 200 && !/haproxy-(ready|missing)/.test(fabric.bootLogs.get(id.toLowerCase()) ?? '');
    i++
  )
    await new Promise((wait) => setTimeout(wait, 100));
  return fabric.bootLogs.get(id.toLowerCase()) ?? '';
}

beforeAll(async () => {
  put({
    id: pipId,
    name: 'pip-inet',
    type: 'Microsoft.Network/publicIPAddresses',
    location: 'westeurope',
    properties: { ipAddress: natAddress, publicIPAllocationMethod: 'Static' },
  });
  put({
    id: natId,
    name: 'ng-inet',
    type: 'Microsoft.Network/natGateways',
    location: 'westeurope',
    properties: { publicIpAddresses: [{ id: pipId }] },
  });
  put({
    id: vnetId,
    name: 'vnet-inet',
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: ['10.84.0.0/24'] },
      subnets: [
        subnet('egress', '10.84.0.0/26', { natGateway: { id: natId } }),
        subnet('private', '10.84.0.64/26'),
      ],
    },
  });
  put(group(egressBox, 'egress', '10.84.0.10'));
  put(group(privateBox, 'private', '10.84.0.70'));
  put(scaleSet(egressSet, 'egress', 'egr', installing(['haproxy', 'dnsmasq-base']), 'layer=first\n'));
  put(scaleSet(privateSet, 'private', 'prv', installing(['haproxy']), 'layer=private\n'));
  fabric = await startFabric(store, {
    internet: {
      hosts: [origin, { name: 'other.example.org', ip: '198.51.100.102' }],
      mirror: { debDir: mirrorDir },
    },
  });
  await fabric.settled();
}, 60_000);

afterAll(async () => {
  const runId = fabric?.names.runId;
  await fabric?.stop();
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`azlc-${runId}-`);
});

describe('the simulated internet', () => {
  it('has a public resolver for its names, which Azure DNS in the VNet answers too', async () => {
    const viaResolver = await run(egressBox, `dig +short +time=1 +tries=2 @198.51.100.53 ${origin.name}`);
    expect(viaResolver.stdout.trim()).toBe(origin.ip);
    const viaAzure = await run(privateBox, `dig +short +time=1 +tries=2 ${origin.name}`);
    expect(viaAzure.stdout.trim()).toBe(origin.ip);
  });

  it('answers like public DNS: NODATA for a name without the asked type, NXDOMAIN for an unknown name', async () => {
    const status = async (name: string, type: string) =>
      /status: (\w+)/.exec((await run(privateBox, `dig +time=1 +tries=2 ${name} ${type}`)).stdout)?.[1];
    expect(await status(origin.name, 'AAAA')).toBe('NOERROR');
    expect(await status('nowhere.example.net', 'A')).toBe('NXDOMAIN');
  });

  it("serves TLS the box validates against the public CA (no -k), seen from the NAT gateway's address", async () => {
    const before = fabric.peersSeenBy(origin.name).length;
    const fetched = await run(egressBox, `curl -sS --max-time 3 https://${origin.name}/`);
    expect(fetched.stdout).toBe(`hello from ${origin.name}\n`);
    expect(fabric.peersSeenBy(origin.name).slice(before)).toEqual([{ port: 443, peer: natAddress }]);
    // The host itself does not trust that CA: the trust is the image's, not a change to the host.
    const onHost = execFileSync('sh', ['-c', `curl -sS --max-time 2 https://${origin.ip}/ 2>&1 || true`], {
      encoding: 'utf8',
    });
    expect(onHost).not.toContain('hello from');
  });

  it('is reached only by public egress: the subnet without a NAT gateway reaches neither origin nor resolver', async () => {
    expect((await run(privateBox, `curl -sS --max-time 2 https://${origin.name}/`)).code).not.toBe(0);
    expect(
      (await run(privateBox, 'dig +short +time=1 +tries=1 @198.51.100.53 api.contoso-plant.example')).stdout,
    ).not.toContain(origin.ip);
  });
});

describe("cloud-init's packages, from the mirror over the instance's own network", () => {
  const egressVm = `${egressSet}/virtualMachines/0`;
  const privateVm = `${privateSet}/virtualMachines/0`;

  it('installs the packages and their dependencies where the mirror is reachable, before runcmd', async () => {
    const log = await booted(egressVm);
    expect(log).toContain('packages: unpacked liblua5.3-0');
    expect(log).toContain('packages: unpacked haproxy');
    expect(log).toContain('haproxy-ready');
    expect((await run(egressVm, '/usr/sbin/haproxy -v')).stdout).toMatch(/^HAProxy version 2\./);
    expect((await run(egressVm, '/usr/sbin/dnsmasq --version')).stdout).toMatch(/^Dnsmasq version/);
    expect(fabric.peersSeenBy('deb.debian.org').map((p) => p.peer)).toContain(natAddress);
  });

  it('fails the boot where the mirror is unreachable, and the programs stay absent (even those the host has)', async () => {
    const log = await booted(privateVm);
    expect(log).toContain('packages: E: Failed to fetch https://deb.debian.org/debian/dists/');
    expect(log).toContain('packages: failed to install packages');
    expect(log).toContain('haproxy-missing');
    expect((await run(privateVm, 'test -e /usr/sbin/haproxy')).code).not.toBe(0);
    // dnsmasq is on this host (the fabric's own DNS uses it) but not in the image: an instance has it only by installing it.
    expect(
      execFileSync('sh', ['-c', 'test -x /usr/sbin/dnsmasq && echo host-has-it'], { encoding: 'utf8' }),
    ).toBe('host-has-it\n');
    expect((await run(privateVm, 'test -e /usr/sbin/dnsmasq')).code).not.toBe(0);
  });
});

describe('the instance metadata service', () => {
  const egressVm = `${egressSet}/virtualMachines/0`;
  const userData = () =>
    run(
      egressVm,
      "curl -sS -H Metadata:true 'http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text' | base64 -d",
    );

  it("answers the scale set model's userData, only with the Metadata header", async () => {
    expect((await userData()).stdout).toBe('layer=first\n');
    const bare = await run(
      egressVm,
      "curl -s 'http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text'",
    );
    expect(bare.stdout).toContain('Required metadata header not specified');
  });

  it('follows a changed model at once, without rebooting the instance', async () => {
    const marker = await run(egressVm, 'echo running > /run/still-the-same-boot');
    expect(marker.code).toBe(0);
    const record = store.resources.get(egressSet.toLowerCase())!;
    (record.properties.virtualMachineProfile as { userData: string }).userData =
      Buffer.from('layer=second\n').toString('base64');
    await fabric.settled();
    expect((await userData()).stdout).toBe('layer=second\n');
    expect((await run(egressVm, 'cat /run/still-the-same-boot')).stdout).toBe('running\n');
  });
});
