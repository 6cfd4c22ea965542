import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient, type DeploymentParameter } from '@azure/arm-resourcesdeployments';
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { NetworkManagementClient } from '@azure/arm-network';
import { compileParams } from '@azpn/bicep';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';
import type { Fabric } from '../src/fabric/fabric.js';

/**
 * The forwarder module deployed through the local cloud's ARM, realised by the fabric: real TCP from the jump
 * boxes through the private endpoint, the load balancer and the instances' own iptables rules to on-prem servers.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rg = 'rg-fabric';
const servers = [
  {
    name: 'onprem-a',
    ip: '172.31.42.65',
    http: [{ port: 8000, reply: 'hello from onprem-a' }],
    echo: [7000],
  },
  {
    name: 'onprem-b',
    ip: '172.31.42.66',
    http: [{ port: 8000, reply: 'hello from onprem-b' }],
    echo: [7000],
  },
];
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

let local: LocalCloud;
let fabric: Fabric;
let credential: ClientSecretCredential;
let access: CloudSdkAccess;
let outputs: Record<string, { value: string }>;
let deployedAt = 0;
let instances: string[];
let instanceIps: string[];

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
    fabric: {
      probeIntervalMs: 200,
      onPrem: [{ attachTo: 'vnet-hub-fab', prefixes: ['172.31.42.0/24'], servers }],
    },
  });
  fabric = local.fabric!;
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    classic(),
  ).resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const built = await compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  const parameters = {
    ...(built.parameters.parameters as Record<string, DeploymentParameter>),
    name: { value: 'fab' },
    targets: { value: servers.map((s) => s.ip) },
    portMappings: {
      value: [
        { frontendPort: 8000, targetPort: 8000 },
        { frontendPort: 7000, targetPort: 7000 },
      ],
    },
  };
  const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, classic());
  const result = await deployments.deployments.createOrUpdate(
    rg,
    'forwarder',
    { properties: { template: built.template!, parameters, mode: 'Incremental' } },
    { updateIntervalInMs: 20 },
  );
  outputs = result.properties!.outputs as Record<string, { value: string }>;
  deployedAt = Date.now();
  instances = [0, 1].map(
    (n) =>
      `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/${outputs.vmssName!.value}/virtualMachines/${n}`,
  );
}, 60_000);

afterAll(async () => {
  const runId = fabric?.names.runId;
  await local?.stop();
  // Nothing of the run is left: no namespace (and so no veth or rule), no process inside one.
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`azlc-${runId}-`);
  expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(`azlc-${runId}-`);
});

function classic() {
  return access.options;
}

/** curl in a container group or instance; retried while it gets no answer, up to `attempts` times. */
async function curl(id: string, url: string, attempts = 1): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const { stdout } = await fabric.run(id, ['curl', '-s', '--max-time', '2', url]);
    if (stdout !== '' || attempt >= attempts) return stdout.trim();
    await sleep(100);
  }
}

/** ACI exec as a client does it: executeCommand, then the websocket with the password first. */
async function aciExec(group: string, command: string): Promise<string> {
  const aci = new ContainerInstanceManagementClient(credential, local.cloud.subscriptionId, classic());
  const session = await aci.containers.executeCommand(rg, group, 'tools', {
    command,
    terminalSize: { rows: 24, cols: 80 },
  });
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(session.webSocketUri!, { ca: local.cloud.caPem });
    let output = '';
    socket.on('open', () => socket.send(session.password!));
    socket.on('message', (data: Buffer) => (output += data.toString()));
    const timer = setTimeout(() => socket.terminate(), 5_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    socket.on('error', reject);
  });
}

function fabricNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith(`azlc-${fabric.names.runId}-`));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
  return Date.now() - started;
}

describe('the forwarder carries real packets in the fabric', () => {
  it("the seed's final check: curl through ACI exec in the spoke reaches on-prem via PE, LB and an instance", async () => {
    let reply = '';
    while (!/hello from onprem/.test(reply) && Date.now() - deployedAt < 20_000)
      reply = await aciExec(
        outputs.spokeJumpboxName!.value,
        'curl -s --max-time 2 http://onprem-server.internal.net:8000',
      );
    const firstCurlMs = Date.now() - deployedAt;
    process.stdout.write(
      `fabric: deployment answered to first successful curl through the PE: ${firstCurlMs} ms\n`,
    );
    expect(reply.trim()).toMatch(/^hello from onprem-[ab]$/);
    expect(fabric.errors).toEqual([]);
    instanceIps = instances.map((id) => fabric.addressOf(id));
    const server = reply.includes('onprem-a') ? 'onprem-a' : 'onprem-b';
    const peers = fabric.peersSeenBy(server).map((p) => p.peer);
    // MASQUERADE: the server sees a forwarder instance, never the jump box or the Private Link NAT address.
    expect(peers.length).toBeGreaterThan(0);
    for (const peer of peers) expect(instanceIps).toContain(peer);
  }, 30_000);

  it('the hub jump box reaches the on-prem servers directly and through the ILB frontend', async () => {
    const hub = outputs.hubJumpboxId!.value;
    expect(await curl(hub, 'http://172.31.42.65:8000')).toBe('hello from onprem-a');
    expect(await curl(hub, 'http://172.31.42.66:8000')).toBe('hello from onprem-b');
    expect(await curl(hub, `http://${outputs.ilbFrontendIp!.value}:8000`, 5)).toMatch(
      /^hello from onprem-[ab]$/,
    );
  });

  it('forwards the second mapped port, a raw TCP echo, through the private endpoint', async () => {
    const spoke = outputs.spokeJumpboxId!.value;
    const { stdout } = await fabric.run(spoke, [
      'sh',
      '-c',
      `printf 'ping-7000\\n' | nc -q 1 -w 2 ${outputs.privateEndpointIp!.value} 7000`,
    ]);
    expect(stdout.trim()).toBe('ping-7000');
  });

  it('denies: the spoke reaches the hub only through the PE, the site cannot use the forwarder, SSH is closed', async () => {
    const spoke = outputs.spokeJumpboxId!.value;
    expect(await curl(spoke, `http://${outputs.ilbFrontendIp!.value}:8000`)).toBe('');
    expect(await curl(spoke, `http://${instanceIps[0]}:8000`)).toBe('');
    expect(await curl(spoke, 'http://172.31.42.65:8000')).toBe('');
    // 172.31.42.0/24 is not an allowed source: the instance drops it although the route exists.
    const fromSite = await fabric.runOnPrem('onprem-b', [
      'curl',
      '-s',
      '--max-time',
      '1',
      `http://${instanceIps[0]}:8000`,
    ]);
    expect(fromSite.code).not.toBe(0);
    const ssh = await fabric.run(outputs.hubJumpboxId!.value, ['nc', '-z', '-w', '1', instanceIps[0]!, '22']);
    expect(ssh.code).not.toBe(0);
  });

  it('distributes: with two targets and two instances each target receives traffic from its own instance', async () => {
    const hub = outputs.hubJumpboxId!.value;
    const before = servers.map((s) => fabric.peersSeenBy(s.name).length);
    const replies = new Set<string>();
    for (let i = 0; i < 16 && replies.size < 2; i++)
      replies.add(await curl(hub, `http://${outputs.ilbFrontendIp!.value}:8000`));
    expect([...replies].sort()).toEqual(['hello from onprem-a', 'hello from onprem-b']);
    const seen = servers.map((s, n) =>
      fabric
        .peersSeenBy(s.name)
        .slice(before[n])
        .map((p) => p.peer),
    );
    expect(new Set(seen[0])).toEqual(new Set([instanceIps[0]]));
    expect(new Set(seen[1])).toEqual(new Set([instanceIps[1]]));
  });

  it('fails over: a broken instance fails its probe and leaves rotation; a reboot restores its persisted rules', async () => {
    const frontend = outputs.ilbFrontendIp!.value;
    const hub = outputs.hubJumpboxId!.value;
    expect(fabric.inRotation(frontend, 8000, instances[0]!)).toBe(true);
    const broken = await fabric.run(instances[0]!, ['iptables', '-t', 'nat', '-F', 'FWD-PREROUTING']);
    expect(broken.code).toBe(0);
    const outAfter = await waitFor(() => !fabric.inRotation(frontend, 8000, instances[0]!), 5_000);
    process.stdout.write(
      `fabric: broken instance out of rotation after ${outAfter} ms (probe every 200 ms, threshold 2)\n`,
    );
    await fabric.settled();
    for (let i = 0; i < 8; i++)
      expect(await curl(hub, `http://${frontend}:8000`)).toBe('hello from onprem-b');

    await fabric.reboot(instances[0]!);
    const rules = await fabric.run(instances[0]!, ['iptables', '-t', 'nat', '-S', 'FWD-PREROUTING']);
    expect(rules.stdout).toContain('--to-destination 172.31.42.65:8000');
    expect(fabric.bootLogs.get(instances[0]!.toLowerCase())).toContain(
      'boot: starting forwarder-rules.service',
    );
    await waitFor(() => fabric.inRotation(frontend, 8000, instances[0]!), 5_000);
  }, 30_000);

  it("the seed's lesson: the health extension's 127.0.0.1 probe needs the OUTPUT DNAT", async () => {
    const probe = ['nc', '-z', '-w', '1', '127.0.0.1', '8000'];
    expect((await fabric.run(instances[1]!, probe)).code).toBe(0);
    await fabric.run(instances[1]!, ['iptables', '-t', 'nat', '-F', 'FWD-OUTPUT']);
    expect((await fabric.run(instances[1]!, probe)).code).not.toBe(0);
  });

  it('NAT gateway: the hub shared subnet reaches the internet as the public IP; the jump box subnet does not', async () => {
    const reply = await curl(instances[0]!, 'http://198.51.100.80/');
    expect(reply).toBe('internet');
    const network = new NetworkManagementClient(credential, local.cloud.subscriptionId, classic());
    const publicIp = (await network.publicIPAddresses.get(rg, 'pip-nat-fab')).ipAddress;
    const peer = fabric.peersSeenBy('internet').at(-1)?.peer;
    // The provider's address when it allocates one; the fabric's stable TEST-NET-1 stand-in otherwise.
    expect(peer).toBe(publicIp ?? peer?.match(/^192\.0\.2\.\d+$/)?.[0]);
    expect(await curl(outputs.hubJumpboxId!.value, 'http://198.51.100.80/')).toBe('');
  });

  it('a DNS record changed through ARM answers in the spoke (how fast: npm run bench -- fabric)', async () => {
    const dns = new PrivateDnsManagementClient(credential, local.cloud.subscriptionId, classic());
    const spoke = outputs.spokeJumpboxId!.value;
    const dig = async () =>
      (await fabric.run(spoke, ['dig', '+short', 'onprem-server.internal.net'])).stdout.trim();
    expect(await dig()).toBe(outputs.privateEndpointIp!.value);
    const changedAt = Date.now();
    await dns.recordSets.createOrUpdate(rg, 'internal.net', 'A', 'onprem-server', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.1.0.50' }],
    });
    let answer = '';
    while (answer !== '10.1.0.50' && Date.now() - changedAt < 5_000) answer = await dig();
    const visibleAfter = Date.now() - changedAt;
    process.stdout.write(`fabric: DNS change visible in the spoke after ${visibleAfter} ms\n`);
    expect(answer).toBe('10.1.0.50');
  });

  it("instances see spoke traffic from the Private Link Service's NAT address and probes from 168.63.129.16", async () => {
    const network = new NetworkManagementClient(credential, local.cloud.subscriptionId, classic());
    const services = [];
    for await (const service of network.privateLinkServices.list(rg)) services.push(service);
    const natAddress = services[0]!.ipConfigurations![0]!.privateIPAddress!;
    const spoke = outputs.spokeJumpboxId!.value;
    const jumpBoxAddress = fabric.addressOf(spoke);
    expect(await curl(spoke, `http://${outputs.privateEndpointIp!.value}:8000`, 5)).toMatch(/^hello from/);
    // Each instance's own connection tracking table: the original source of every flow to the forwarded port.
    const sources = new Set<string>();
    for (const instance of instances) {
      const { stdout } = await fabric.run(instance, [
        'conntrack',
        '-L',
        '-p',
        'tcp',
        '--orig-port-dst',
        '8000',
      ]);
      for (const match of stdout.matchAll(/^\S+\s+\d+\s+\d+\s+\S+\s+src=(\S+)/gm)) sources.add(match[1]!);
    }
    expect(sources).toContain(natAddress);
    expect(sources).toContain('168.63.129.16');
    expect(sources).not.toContain(jumpBoxAddress);
  });

  it('a private endpoint deleted through ARM disappears from the fabric (how fast: npm run bench -- fabric)', async () => {
    const network = new NetworkManagementClient(credential, local.cloud.subscriptionId, classic());
    const name = outputs.privateEndpointId!.value.split('/').pop()!;
    const before = fabricNamespaces().filter((n) => n.includes(`-pe-${name}-`));
    expect(before.length).toBe(1);
    await network.privateEndpoints.beginDeleteAndWait(rg, name, { updateIntervalInMs: 20 });
    const deletedAt = Date.now();
    await waitFor(() => fabricNamespaces().every((n) => !n.includes(`-pe-${name}-`)), 5_000);
    process.stdout.write(`fabric: deleted private endpoint gone after ${Date.now() - deletedAt} ms\n`);
    const reply = await curl(
      outputs.spokeJumpboxId!.value,
      `http://${outputs.privateEndpointIp!.value}:8000`,
    );
    expect(reply).toBe('');
  });
});
