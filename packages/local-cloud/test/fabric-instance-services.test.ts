import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ResourceStore } from '../src/internal/arm/resource-store.js';
import { startFabric, type Fabric } from '../src/fabric/fabric.js';

/**
 * The services an instance runs, through the image's systemctl and journalctl stand-ins: a unit written and
 * enabled at first boot keeps running after the boot ends, its output goes to its journal, a reload reaches its
 * main process, and a reboot (a fresh network namespace and /run over the same disk) starts it again.
 */
const run = promisify(execFile);
const providers = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-svc/providers';
const vnetId = `${providers}/Microsoft.Network/virtualNetworks/vnet-svc`;
const scaleSet = `${providers}/Microsoft.Compute/virtualMachineScaleSets/vmss-svc`;
const instance = `${scaleSet}/virtualMachines/0`;
const unit = [
  '[Unit]',
  'Description=a service that says when it is reloaded',
  '[Service]',
  'Type=simple',
  'Environment=GREETING=hello',
  'RuntimeDirectory=ticker',
  `ExecStart=/bin/sh -c 'trap "echo reloaded" HUP; echo "$GREETING from $$"; while :; do sleep 1; done'`,
  'ExecReload=/bin/kill -HUP $MAINPID',
  '[Install]',
  'WantedBy=multi-user.target',
  // No newline after the last line: systemd reads such a file whole, and so must the stand-in.
].join('\n');
const cloudConfig = [
  '#cloud-config',
  'write_files:',
  '  - path: /etc/systemd/system/ticker.service',
  `    encoding: b64`,
  `    content: ${Buffer.from(unit).toString('base64')}`,
  'runcmd:',
  '  - [systemctl, enable, --now, ticker.service]',
].join('\n');

const store = new ResourceStore();
let fabric: Fabric;
const inside = async (command: string) => (await fabric.run(instance, ['sh', '-c', command])).stdout;

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((wait) => setTimeout(wait, 100));
}

beforeAll(async () => {
  store.resources.set(vnetId.toLowerCase(), {
    id: vnetId,
    name: 'vnet-svc',
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: ['10.87.0.0/24'] },
      subnets: [
        { id: `${vnetId}/subnets/default`, name: 'default', properties: { addressPrefix: '10.87.0.0/28' } },
      ],
    },
  });
  store.resources.set(scaleSet.toLowerCase(), {
    id: scaleSet,
    name: 'vmss-svc',
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: 'westeurope',
    sku: { name: 'Standard_B1s', capacity: 1 },
    properties: {
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: 'svc', customData: Buffer.from(cloudConfig).toString('base64') },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: 'nic',
              properties: {
                ipConfigurations: [
                  { name: 'ipconfig', properties: { subnet: { id: `${vnetId}/subnets/default` } } },
                ],
              },
            },
          ],
        },
      },
    },
  });
  fabric = await startFabric(store, {});
  await fabric.settled();
}, 30_000);

afterAll(async () => fabric?.stop());

describe("an instance's services", () => {
  it('the stand-ins are clean POSIX sh for shellcheck', async () => {
    for (const name of ['systemctl', 'journalctl']) {
      const path = fileURLToPath(new URL(`../src/fabric/instance-image/${name}`, import.meta.url));
      await expect(run('shellcheck', ['--shell=sh', '--severity=style', path])).resolves.toBeDefined();
    }
  });

  it('a unit enabled at first boot runs after the boot ended, with its environment, journal and runtime directory', async () => {
    await until(async () => (await inside('systemctl is-active ticker')).trim() === 'active');
    expect(await inside('systemctl is-active ticker')).toBe('active\n');
    expect(await inside('journalctl -u ticker')).toMatch(/^hello from \d+\n/);
    expect(await inside('test -d /run/ticker && echo present')).toBe('present\n');
    expect(await inside('readlink /etc/systemd/system/multi-user.target.wants/ticker.service')).toBe(
      '/etc/systemd/system/ticker.service\n',
    );
  });

  it('a reload reaches the main process; a stop ends it', async () => {
    expect((await fabric.run(instance, ['systemctl', 'reload', 'ticker'])).code).toBe(0);
    await until(async () => (await inside('journalctl -u ticker')).includes('reloaded'));
    expect(await inside('journalctl -u ticker -n 1')).toBe('reloaded\n');
    expect((await fabric.run(instance, ['systemctl', 'stop', 'ticker'])).code).toBe(0);
    expect((await fabric.run(instance, ['systemctl', 'is-active', '--quiet', 'ticker'])).code).toBe(3);
    expect((await fabric.run(instance, ['systemctl', 'start', 'nothing.service'])).stderr).toBe(
      'Failed to start nothing.service: Unit nothing.service not found.\n',
    );
  });

  it('a reboot starts it again from its enablement, in a fresh /run', async () => {
    await fabric.reboot(instance);
    await until(async () => (await inside('systemctl is-active ticker')).trim() === 'active');
    expect(fabric.bootLogs.get(instance.toLowerCase())).toContain('boot: starting ticker.service');
    expect(await inside('systemctl is-active ticker')).toBe('active\n');
    // Two greetings in the persisted journal: one per boot.
    expect((await inside('journalctl -u ticker')).match(/^hello from/gm)?.length).toBe(2);
  });
});
