import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { findBicep, type BicepCli } from '../src/index.js';

const run = promisify(execFile);
const bicepRoot = resolve(fileURLToPath(import.meta.url), '../../../../bicep');
const parameterFiles = ['main', 'multi-port'];

interface PredictedResource {
  type: string;
  name: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
}
interface Snapshot {
  predictedResources: PredictedResource[];
  diagnostics: unknown[];
  outputs: Record<string, unknown>;
}

async function readSnapshot(root: string, name: string): Promise<Snapshot> {
  return JSON.parse(await readFile(join(root, 'forwarder', `${name}.snapshot.json`), 'utf8')) as Snapshot;
}

function resourceOf(snapshot: Snapshot, type: string): PredictedResource {
  const found = snapshot.predictedResources.find((resource) => resource.type === type);
  if (!found) throw new Error(`The snapshot has no ${type}.`);
  return found;
}

interface CloudInit {
  write_files: { path: string; encoding: string; content: string; permissions: string }[];
  runcmd: string[][];
}

function cloudInitOf(snapshot: Snapshot): CloudInit {
  const scaleSet = resourceOf(snapshot, 'Microsoft.Compute/virtualMachineScaleSets');
  const profile = scaleSet.properties.virtualMachineProfile as { osProfile: { customData: string } };
  const text = Buffer.from(profile.osProfile.customData, 'base64').toString('utf8');
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parseYaml(text) as CloudInit;
}

function writtenFile(cloudInit: CloudInit, path: string): Buffer {
  const file = cloudInit.write_files.find((entry) => entry.path === path);
  if (!file) throw new Error(`cloud-init writes no ${path}.`);
  expect(file.encoding).toBe('b64');
  return Buffer.from(file.content, 'base64');
}

describe('the forwarder module, through the real ARM engine (bicep snapshot)', () => {
  let work: string;
  let cli: BicepCli;
  const regenerated = new Map<string, Snapshot>();

  beforeAll(async () => {
    cli = await findBicep();
    work = await mkdtemp(join(tmpdir(), 'azpn-bicep-snapshot-'));
    // Copy the sources only; the snapshots are regenerated here, never in the repository.
    await cp(bicepRoot, work, {
      recursive: true,
      filter: (source) => !source.endsWith('.snapshot.json') && !basename(source).startsWith('.'),
    });
    const context = JSON.parse(await readFile(join(bicepRoot, 'snapshot-context.json'), 'utf8')) as Record<
      string,
      string
    >;
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
    await Promise.all(
      parameterFiles.map((name) =>
        run(
          cli.command,
          [
            'snapshot',
            join(work, 'forwarder', `${name}.bicepparam`),
            '--mode',
            'overwrite',
            '--tenant-id',
            context.tenantId!,
            '--subscription-id',
            context.subscriptionId!,
            '--resource-group',
            context.resourceGroup!,
            '--location',
            context.location!,
          ],
          { env, maxBuffer: 64 * 1024 * 1024 },
        ),
      ),
    );
    for (const name of parameterFiles) regenerated.set(name, await readSnapshot(work, name));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it.each(parameterFiles)(
    '%s.bicepparam matches its reviewed baseline (run npm run build:bicep -- --snapshots after a reviewed change)',
    async (name) => {
      expect(regenerated.get(name)).toEqual(await readSnapshot(bicepRoot, name));
      expect(regenerated.get(name)!.diagnostics).toEqual([]);
    },
  );

  it('boots the instances with the committed rule script, byte for byte', async () => {
    const script = await readFile(join(bicepRoot, 'forwarder/forwarder-rules.sh'));
    for (const name of parameterFiles) {
      const cloudInit = cloudInitOf(regenerated.get(name)!);
      expect(writtenFile(cloudInit, '/usr/local/sbin/forwarder-rules.sh').equals(script)).toBe(true);
      expect(cloudInit.runcmd).toEqual([['/bin/sh', '/usr/local/sbin/forwarder-rules.sh']]);
    }
  });

  it('renders a configuration the rule script accepts, with the seed scenario as given', async () => {
    const seedConfig = writtenFile(cloudInitOf(regenerated.get('main')!), '/etc/forwarder/forwarder.conf');
    expect(seedConfig.toString('utf8').split('\n').slice(1)).toEqual([
      'targets=192.168.42.65 192.168.42.66',
      'port_mappings=8000:8000',
      'allowed_sources=10.0.1.0/26 10.0.1.64/28',
      'ssh=false',
      'conntrack_max=65536',
      '',
    ]);
    for (const name of parameterFiles) {
      const config = writtenFile(cloudInitOf(regenerated.get(name)!), '/etc/forwarder/forwarder.conf');
      const path = join(work, `${name}.conf`);
      await writeFile(path, config);
      const checked = await run('sh', [join(bicepRoot, 'forwarder/forwarder-rules.sh'), '--check'], {
        env: { PATH: process.env.PATH ?? '', FORWARDER_CONFIG: path, FORWARDER_HOSTNAME: 'fwd000002' },
      });
      expect(checked.stdout).toContain('instance index 2: forwarding');
    }
  });

  it('builds one load balancing rule and probe per port mapping, and health-checks the first port', () => {
    const snapshot = regenerated.get('multi-port')!;
    const loadBalancer = resourceOf(snapshot, 'Microsoft.Network/loadBalancers').properties as {
      loadBalancingRules: { properties: Record<string, unknown> }[];
      probes: { properties: Record<string, unknown> }[];
    };
    expect(loadBalancer.loadBalancingRules.map((rule) => rule.properties.frontendPort)).toEqual([
      5432, 8883, 2222,
    ]);
    for (const rule of loadBalancer.loadBalancingRules) {
      expect(rule.properties).toMatchObject({
        protocol: 'Tcp',
        enableTcpReset: true,
        idleTimeoutInMinutes: 30,
      });
    }
    expect(loadBalancer.probes.map((probe) => probe.properties)).toEqual(
      [5432, 8883, 2222].map((port) => expect.objectContaining({ protocol: 'Tcp', port })),
    );
    const scaleSet = resourceOf(snapshot, 'Microsoft.Compute/virtualMachineScaleSets').properties as {
      virtualMachineProfile: { extensionProfile: { extensions: { properties: Record<string, unknown> }[] } };
    };
    expect(scaleSet.virtualMachineProfile.extensionProfile.extensions[0]!.properties).toMatchObject({
      type: 'ApplicationHealthLinux',
      settings: { protocol: 'tcp', port: 5432 },
    });
  });

  it('tags every resource (and the DNS record metadata) so previews can be found and swept', () => {
    const snapshot = regenerated.get('multi-port')!;
    const expected = {
      environment: 'preview',
      pr: '42',
      expiry: '2026-12-31T00:00:00Z',
      owner: 'plant-networking',
    };
    for (const resource of snapshot.predictedResources) {
      const tags =
        resource.type === 'Microsoft.Network/privateDnsZones/A'
          ? resource.properties.metadata
          : resource.tags;
      expect({ type: resource.type, tags }).toEqual({ type: resource.type, tags: expected });
    }
    const seedTags = regenerated.get('main')!.predictedResources[0]!.tags;
    expect(seedTags).toEqual({ environment: 'example', owner: 'platform-engineering' });
  });

  it('outputs what later steps need', () => {
    const outputs = regenerated.get('main')!.outputs;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'ilbFrontendIp',
        'plsAlias',
        'privateEndpointId',
        'dnsZoneName',
        'dnsZoneId',
        'hubJumpboxName',
        'hubJumpboxId',
        'spokeJumpboxName',
        'spokeJumpboxId',
        'vmssName',
      ]),
    );
    expect(outputs.dnsZoneName).toBe('internal.net');
    expect(outputs.recordFqdn).toBe('onprem-server.internal.net');
  });
});
