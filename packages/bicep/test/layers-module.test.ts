import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { findBicep, type BicepCli } from '../src/index.js';

/**
 * The layers module through the real ARM engine (bicep snapshot): the committed baseline, the topology the seed
 * asks for (peering, NSGs, DNS servers, NAT), the boot script byte for byte, each layer's configuration accepted by
 * the script, and a malformed allow-list refused at deployment with the sentence the script gives at boot.
 */
const run = promisify(execFile);
const bicepRoot = resolve(fileURLToPath(import.meta.url), '../../../../bicep');
const script = join(bicepRoot, 'layers', 'layer-proxy.sh');

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
interface SecurityRule {
  name: string;
  properties: Record<string, unknown>;
}

let work: string;
let cli: BicepCli;
let context: Record<string, string>;
let snapshot: Snapshot;

const env = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() });

/** Runs bicep snapshot on a parameter file; the snapshot, or the engine's error text when it fails. */
async function snapshotOf(paramFile: string): Promise<Snapshot | string> {
  try {
    await run(
      cli.command,
      [
        'snapshot',
        paramFile,
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
      { env: env(), maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
  return JSON.parse(await readFile(paramFile.replace(/\.bicepparam$/, '.snapshot.json'), 'utf8')) as Snapshot;
}

function resources(type: string): PredictedResource[] {
  return snapshot.predictedResources.filter((r) => r.type === type);
}

function scaleSetOf(layer: string): PredictedResource {
  return resources('Microsoft.Compute/virtualMachineScaleSets').find((r) =>
    r.name.startsWith(`vmss-${layer}-`),
  )!;
}

function profileOf(layer: string) {
  return scaleSetOf(layer).properties.virtualMachineProfile as {
    osProfile: { customData: string };
    userData: string;
  };
}

async function check(config: string): Promise<{ code: number; out: string }> {
  const path = join(work, `check-${Math.random().toString(36).slice(2)}.conf`);
  await writeFile(path, config);
  try {
    const { stdout } = await run('sh', [script, '--check'], { env: { ...env(), LAYER_PROXY_CONFIG: path } });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, out: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  cli = await findBicep();
  work = await mkdtemp(join(tmpdir(), 'azpn-layers-snapshot-'));
  await cp(bicepRoot, work, {
    recursive: true,
    filter: (source) => !source.endsWith('.snapshot.json') && !basename(source).startsWith('.'),
  });
  context = JSON.parse(await readFile(join(bicepRoot, 'snapshot-context.json'), 'utf8')) as Record<
    string,
    string
  >;
  const regenerated = await snapshotOf(join(work, 'layers', 'main.bicepparam'));
  if (typeof regenerated === 'string') throw new Error(regenerated);
  snapshot = regenerated;
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the layers module, through the real ARM engine (bicep snapshot)', () => {
  it('main.bicepparam matches its reviewed baseline (npm run build:bicep -- --snapshots after a reviewed change)', async () => {
    const baseline = JSON.parse(
      await readFile(join(bicepRoot, 'layers', 'main.snapshot.json'), 'utf8'),
    ) as Snapshot;
    expect(snapshot).toEqual(baseline);
    expect(snapshot.diagnostics).toEqual([]);
  });

  it('peers L2 with L3 and L3 with L4, both ways, and never L2 with L4', () => {
    const pairs = resources('Microsoft.Network/virtualNetworks/virtualNetworkPeerings').map((peering) => {
      const [vnet] = peering.name.split('/');
      const remote = (peering.properties.remoteVirtualNetwork as { id: string }).id.split('/').pop();
      return `${vnet!.split('-')[1]}->${remote!.split('-')[1]}`;
    });
    expect(pairs.sort()).toEqual(['l2->l3', 'l3->l2', 'l3->l4', 'l4->l3']);
  });

  it("points each lower VNet's DNS at the layer above (the seed's host path); L4 keeps Azure DNS", () => {
    const dns = (layer: string) =>
      (
        resources('Microsoft.Network/virtualNetworks').find((v) => v.name.startsWith(`vnet-${layer}-`))!
          .properties.dhcpOptions as { dnsServers: string[] }
      ).dnsServers;
    expect(dns('l2')).toEqual(['10.30.0.10']);
    expect(dns('l3')).toEqual(['10.40.0.10']);
    expect(dns('l4')).toEqual([]);
  });

  it("gives each lower layer's jump box its own layer's DNS, so its traffic takes every proxy", () => {
    const dns = (layer: string) =>
      resources('Microsoft.ContainerInstance/containerGroups').find((g) => g.name.startsWith(`ci-${layer}-`))!
        .properties.dnsConfig;
    expect(dns('l2')).toEqual({ nameServers: ['10.20.0.10'] });
    expect(dns('l3')).toEqual({ nameServers: ['10.30.0.10'] });
    expect(dns('l4')).toBeUndefined();
  });

  it('denies Internet outbound below L4 and gives only L4 a NAT gateway, on both of its subnets', () => {
    const rules = (layer: string) =>
      (
        resources('Microsoft.Network/networkSecurityGroups').find((g) => g.name.startsWith(`nsg-${layer}-`))!
          .properties.securityRules as SecurityRule[]
      ).map((rule) => rule.properties);
    for (const layer of ['l2', 'l3'])
      expect(rules(layer)).toContainEqual(
        expect.objectContaining({
          direction: 'Outbound',
          access: 'Deny',
          destinationAddressPrefix: 'Internet',
        }),
      );
    expect(rules('l4')).toContainEqual(
      expect.objectContaining({
        direction: 'Outbound',
        access: 'Allow',
        destinationAddressPrefix: 'Internet',
      }),
    );
    expect(resources('Microsoft.Network/natGateways').map((g) => g.name)).toEqual([
      expect.stringMatching(/^ng-l4-/),
    ]);
    const l4 = resources('Microsoft.Network/virtualNetworks').find((v) => v.name.startsWith('vnet-l4-'))!;
    for (const subnet of l4.properties.subnets as { properties: Record<string, unknown> }[])
      expect(subnet.properties.natGateway).toBeDefined();
  });

  it("lets only the layer below, the layer's own clients and the probe reach the proxy, on 443 and 53", () => {
    const inbound = (layer: string) =>
      (
        resources('Microsoft.Network/networkSecurityGroups').find((g) => g.name.startsWith(`nsg-${layer}-`))!
          .properties.securityRules as SecurityRule[]
      )
        .map((rule) => rule.properties)
        .filter((rule) => rule.direction === 'Inbound')
        .sort((a, b) => Number(a.priority) - Number(b.priority));
    const l3 = inbound('l3');
    expect(
      l3.map((r) => [r.access, r.sourceAddressPrefix ?? r.sourceAddressPrefixes, r.destinationPortRange]),
    ).toEqual([
      ['Allow', 'AzureLoadBalancer', '*'],
      ['Allow', ['10.30.0.0/24', '10.20.0.0/24'], '443'],
      ['Allow', ['10.30.0.0/24', '10.20.0.0/24'], '53'],
      ['Deny', '*', '*'],
    ]);
    expect(inbound('l4')[1]!.sourceAddressPrefixes).toEqual(['10.40.0.0/24', '10.30.0.0/24']);
    expect(inbound('l2')[1]!.sourceAddressPrefixes).toEqual(['10.20.0.0/24']);
  });

  it('balances 443/TCP, 53/UDP and 53/TCP on each frontend, with health probes', () => {
    for (const layer of ['l2', 'l3', 'l4']) {
      const balancer = resources('Microsoft.Network/loadBalancers').find((b) =>
        b.name.startsWith(`lbi-${layer}-`),
      )!;
      const rules = (balancer.properties.loadBalancingRules as { properties: Record<string, unknown> }[]).map(
        (r) => `${String(r.properties.protocol)}/${String(r.properties.frontendPort)}`,
      );
      expect(rules).toEqual(['Tcp/443', 'Udp/53', 'Tcp/53']);
      expect((balancer.properties.probes as unknown[]).length).toBe(2);
    }
  });

  it('boots every instance with the committed script and installs the proxy with apt from an HTTPS mirror', async () => {
    const committed = await readFile(script);
    for (const layer of ['l2', 'l3', 'l4']) {
      const text = Buffer.from(profileOf(layer).osProfile.customData, 'base64').toString('utf8');
      expect(text.startsWith('#cloud-config\n')).toBe(true);
      const cloudInit = parseYaml(text) as {
        packages: string[];
        apt: { primary: { uri: string }[] };
        write_files: { path: string; content: string }[];
        runcmd: string[][];
      };
      expect(cloudInit.packages).toEqual(['nginx', 'libnginx-mod-stream', 'dnsmasq-base']);
      expect(cloudInit.apt.primary[0]!.uri).toBe('https://deb.debian.org/debian');
      const written = cloudInit.write_files.find((f) => f.path === '/usr/local/sbin/layer-proxy.sh')!;
      expect(Buffer.from(written.content, 'base64').equals(committed)).toBe(true);
      expect(cloudInit.runcmd).toEqual([['/bin/sh', '/usr/local/sbin/layer-proxy.sh']]);
    }
  });

  it("renders each layer's userData from the one allow-list, and the script accepts each", async () => {
    const roles: Record<string, RegExp> = {
      l2: /layer L2 \(nginx\): forwards allowed names to 10\.30\.0\.10:443; DNS answers allowed names with 10\.20\.0\.10 and forwards the rest to 10\.30\.0\.10/,
      l3: /layer L3 \(nginx\): forwards allowed names to 10\.40\.0\.10:443; DNS answers allowed names with 10\.30\.0\.10 and forwards the rest to 10\.40\.0\.10/,
      l4: /layer L4 \(nginx\): resolves allowed names with 168\.63\.129\.16 and connects to them; DNS answers allowed names with 10\.40\.0\.10 and forwards the rest to 168\.63\.129\.16/,
    };
    const allowList = snapshot.outputs.allowList as string[];
    for (const layer of ['l2', 'l3', 'l4']) {
      const config = Buffer.from(profileOf(layer).userData, 'base64').toString('utf8');
      expect(config).toContain(`allow=${allowList.join(',')}\n`);
      const checked = await check(config);
      expect(checked.code).toBe(0);
      expect(checked.out).toMatch(roles[layer]!);
      for (const entry of allowList) expect(checked.out).toContain(`layer-proxy: allow ${entry}\n`);
    }
  });
});

describe('a malformed allow-list fails before anything deploys, with the sentence the boot script gives', () => {
  /** A template that only runs the module's own check, so each case is one quick snapshot. */
  async function deploymentError(entries: string[]): Promise<string> {
    const dir = join(work, 'layers');
    const name = `check-${Math.random().toString(36).slice(2)}`;
    await writeFile(
      join(dir, `${name}.bicep`),
      "import { checkedAllowList } from 'allow-list.bicep'\nparam allowList string[]\noutput checked string[] = checkedAllowList(allowList)\n",
    );
    await writeFile(
      join(dir, `${name}.bicepparam`),
      `using '${name}.bicep'\nparam allowList = ${JSON.stringify(entries).replaceAll('"', "'")}\n`,
    );
    const result = await snapshotOf(join(dir, `${name}.bicepparam`));
    if (typeof result !== 'string') throw new Error(`${JSON.stringify(entries)} was accepted`);
    return result;
  }

  const bootConfig = (entries: string[]) =>
    `layer=L2\nallow=${entries.join(',')}\nfrontend=10.20.0.10\nnext_hop=10.30.0.10\ndns_upstream=10.30.0.10\n`;

  const cases: [string[], string][] = [
    [
      ['deb.debian.org', 'https://mcr.microsoft.com'],
      "Allow-list entry 'https://mcr.microsoft.com' has a scheme",
    ],
    [['mcr.microsoft.com/v2'], "Allow-list entry 'mcr.microsoft.com/v2' has a path"],
    [['mcr.microsoft.com:443'], "Allow-list entry 'mcr.microsoft.com:443' has a port"],
    [['mcr microsoft.com'], "Allow-list entry 'mcr microsoft.com' contains spaces"],
    [['his.*.azure.com'], "Allow-list entry 'his.*.azure.com' has a '*' that is not the whole leading label"],
    [
      ['*his.arc.azure.com'],
      "Allow-list entry '*his.arc.azure.com' has a '*' that is not the whole leading label",
    ],
    [['a.example.com', 'A.example.com'], "Allow-list entry 'a.example.com' is listed twice"],
    [['x_y.example.com'], "Allow-list entry 'x_y.example.com' is not a host name"],
    [[], 'The allow-list is empty'],
  ];
  // Each case is a snapshot of its own; four at a time keep the suite short without crowding the cores.
  const outcomes = new Map<string, [string, { code: number; out: string }]>();
  beforeAll(async () => {
    const queue = [...cases];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [entries] = next;
        outcomes.set(
          JSON.stringify(entries),
          await Promise.all([deploymentError(entries), check(bootConfig(entries))]),
        );
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }, 120_000);

  it.each(cases)('%j', (entries, sentence) => {
    const [atDeployment, atBoot] = outcomes.get(JSON.stringify(entries))!;
    expect(atDeployment).toContain(sentence);
    expect(atBoot.code).not.toBe(0);
    expect(atBoot.out).toContain(sentence);
    // The same whole sentence both ways.
    const line = atBoot.out.trim().replace(/^layer-proxy: /, '');
    expect(atDeployment).toContain(line);
  });

  it('main.bicep itself stops at validation, naming the entry, and so does a mirror left out of the list', async () => {
    const dir = join(work, 'layers');
    const base = await readFile(join(dir, 'main.bicepparam'), 'utf8');
    await writeFile(
      join(dir, 'bad-entry.bicepparam'),
      base.replace("'deb.debian.org'", "'https://deb.debian.org'"),
    );
    await writeFile(join(dir, 'no-mirror.bicepparam'), base.replace("  'deb.debian.org'\n", ''));
    const [badEntry, noMirror] = await Promise.all([
      snapshotOf(join(dir, 'bad-entry.bicepparam')),
      snapshotOf(join(dir, 'no-mirror.bicepparam')),
    ]);
    expect(badEntry).toContain(
      "Allow-list entry 'https://deb.debian.org' has a scheme: list the host name only, without https://.",
    );
    expect(noMirror).toContain(
      "The package mirror's host 'deb.debian.org' is not in the allow-list: add it, or the layers below L4 cannot install their proxies.",
    );
  }, 90_000);
});
