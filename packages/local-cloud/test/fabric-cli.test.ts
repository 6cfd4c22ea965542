import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import { trustCloudCa, type CloudDescription } from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'bin', 'local-cloud.js');
let dir = '';

afterAll(async () => {
  await run(process.execPath, [bin, 'down', '--state-dir', dir]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** The namespaces of the fabric owned by process `pid`, found through the run's pid file. */
async function namespacesOwnedBy(pid: number): Promise<string[]> {
  const runs = await readdir('/run/azlc').catch(() => [] as string[]);
  const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const owned: string[] = [];
  for (const runId of runs) {
    const owner = await readFile(`/run/azlc/${runId}/pid`, 'utf8').catch(() => '');
    if (Number(owner) !== pid) continue;
    owned.push(
      ...listed
        .split('\n')
        .filter((l) => l.startsWith(`azlc-${runId}-`))
        .map((l) => l.split(' ')[0]!),
    );
  }
  return owned;
}

describe('local-cloud up --fabric', () => {
  it('realises a VNet created through ARM with its on-prem site, and down removes every namespace', async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-cloud-fabric-cli-'));
    const site = join(dir, 'on-prem.json');
    await writeFile(
      site,
      JSON.stringify([
        {
          attachTo: 'vnet-cli',
          prefixes: ['172.31.43.0/24'],
          servers: [{ name: 'cli-server', ip: '172.31.43.10', http: [{ port: 80, reply: 'cli' }] }],
        },
      ]),
    );
    await run(process.execPath, [bin, 'up', '--state-dir', dir, '--fabric', '--on-prem', site]);
    const cloud = JSON.parse(await readFile(join(dir, 'cloud.json'), 'utf8')) as CloudDescription;
    trustCloudCa(cloud.caPem);
    const { credential, options } = cloudSdkAccess(cloud);
    await new ResourceManagementClient(
      credential,
      cloud.subscriptionId,
      options,
    ).resourceGroups.createOrUpdate('rg', {
      location: 'westeurope',
    });
    await new NetworkManagementClient(
      credential,
      cloud.subscriptionId,
      options,
    ).virtualNetworks.beginCreateOrUpdateAndWait(
      'rg',
      'vnet-cli',
      {
        location: 'westeurope',
        addressSpace: { addressPrefixes: ['10.78.0.0/24'] },
        subnets: [{ name: 'default', addressPrefix: '10.78.0.0/26' }],
      },
      { updateIntervalInMs: 50 },
    );
    let owned: string[] = [];
    for (let waited = 0; owned.length < 3 && waited < 10_000; waited += 100) {
      owned = await namespacesOwnedBy(cloud.pid);
      await new Promise((wake) => setTimeout(wake, 100));
    }
    expect(owned.some((n) => n.includes('-vnet-vnet-cli-'))).toBe(true);
    expect(owned.some((n) => n.includes('-onprem-cli-server-'))).toBe(true);

    await run(process.execPath, [bin, 'down', '--state-dir', dir]);
    const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const namespace of owned) expect(listed).not.toContain(namespace);
  }, 60_000);

  it('refuses --on-prem without --fabric in one sentence', async () => {
    await expect(
      run(process.execPath, [bin, 'up', '--state-dir', dir, '--on-prem', 'x.json']),
    ).rejects.toThrow(/--on-prem needs --fabric/);
  });
});
