import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceStore } from '../src/internal/arm/resource-store.js';
import { startFabric } from '../src/fabric/fabric.js';

const here = dirname(fileURLToPath(import.meta.url));
const vnetId =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-sweep';

/** A VNet as Microsoft.Network 2024-05-01 returns it, enough for a router namespace with dnsmasq and a prober. */
function storeWithVnet(): ResourceStore {
  const store = new ResourceStore();
  store.resources.set(vnetId.toLowerCase(), {
    id: vnetId,
    name: 'vnet-sweep',
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: ['10.77.0.0/24'] },
      subnets: [
        { id: `${vnetId}/subnets/default`, name: 'default', properties: { addressPrefix: '10.77.0.0/26' } },
      ],
    },
  });
  return store;
}

const namespacesOf = (runId: string) =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith(`azlc-${runId}-`));

describe('the fabric cleans up after a killed run', () => {
  it('a fabric whose process was SIGKILLed is swept, with its processes, when the next one starts', async () => {
    const runId =
      'dead' +
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0');
    const program = `
      import { ResourceStore } from ${JSON.stringify(join(here, '../src/internal/arm/resource-store.ts'))};
      import { startFabric } from ${JSON.stringify(join(here, '../src/fabric/fabric.ts'))};
      const store = new ResourceStore();
      store.resources.set(${JSON.stringify(vnetId.toLowerCase())}, ${JSON.stringify(storeWithVnet().resources.get(vnetId.toLowerCase()))});
      const fabric = await startFabric(store, { runId: ${JSON.stringify(runId)} });
      process.stdout.write('up\\n');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: join(here, '..'),
    });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(line.toString()).toContain('up');
    expect(namespacesOf(runId).length).toBe(1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The killed run left its router and its dnsmasq behind.
    const [router] = namespacesOf(runId);
    expect(
      execFileSync('ip', ['netns', 'pids', router!.split(' ')[0]!], { encoding: 'utf8' }).trim(),
    ).not.toBe('');

    const next = await startFabric(storeWithVnet(), {});
    try {
      expect(namespacesOf(runId)).toEqual([]);
      expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(`azlc-${runId}-`);
      expect(namespacesOf(next.names.runId).length).toBe(1);
    } finally {
      await next.stop();
    }
    expect(namespacesOf(next.names.runId)).toEqual([]);
  }, 30_000);
});
