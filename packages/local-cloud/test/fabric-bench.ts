// Throughput of the forwarder in the fabric, measured with iperf3 (run: node_modules/.bin/node --import tsx
// packages/local-cloud/test/fabric-bench.ts). Prints one JSON document. Not a jest test: it takes ~30 s.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient, type DeploymentParameter } from '@azure/arm-resourcesdeployments';
import { compileParams } from '@azpn/bicep';
import { defaultScenario, startLocalCloud, trustCloudCa } from '../src/index.js';

// Runs inside the client's namespace: round trips of one byte on one connection (latency), then new connections.
const latencyProgram = `
const net = require('node:net');
const [host, port] = [process.argv[1], Number(process.argv[2])];
const rtts = [];
const socket = net.connect({ host, port, noDelay: true }, () => {
  let sent = 0n;
  const ping = () => { sent = process.hrtime.bigint(); socket.write('x'); };
  socket.on('data', () => {
    rtts.push(Number(process.hrtime.bigint() - sent) / 1000);
    if (rtts.length < 3000) ping(); else { socket.destroy(); connections(); }
  });
  ping();
});
function connections() {
  const until = Date.now() + 2000;
  let made = 0;
  let failed = 0;
  const next = () => {
    if (Date.now() >= until) return report(made / 2, failed);
    const c = net.connect({ host, port }, () => { made++; c.destroy(); next(); });
    c.setTimeout(500, () => { failed++; c.destroy(); next(); });
    c.on('error', () => { failed++; next(); });
  };
  next();
}
function report(perSecond, failed) {
  rtts.sort((a, b) => a - b);
  const at = (q) => rtts[Math.floor(q * (rtts.length - 1))];
  process.stdout.write(JSON.stringify({ p50: at(0.5), p99: at(0.99), connectionsPerSecond: perSecond, failed }));
}`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rg = 'rg-bench';
const seconds = 3;

const local = await startLocalCloud({
  scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  fabric: {
    probeIntervalMs: 500,
    onPrem: [
      {
        attachTo: 'vnet-hub-bench',
        prefixes: ['172.31.44.0/24'],
        servers: [{ name: 'bench-a', ip: '172.31.44.65', echo: [7] }],
      },
    ],
  },
});
const fabric = local.fabric!;
try {
  trustCloudCa(local.cloud.caPem);
  const principal = local.cloud.principals[0]!;
  const credential = new ClientSecretCredential(
    local.cloud.tenantId,
    principal.clientId,
    principal.clientSecret!,
    {
      authorityHost: local.cloud.authorityHost,
      disableInstanceDiscovery: true,
    },
  );
  const scope = `${local.cloud.audience}.default`;
  await new ResourceManagementClient(credential, local.cloud.subscriptionId, {
    endpoint: local.cloud.resourceManager,
    credentialScopes: [scope],
  }).resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const built = await compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  const parameters = {
    ...(built.parameters.parameters as Record<string, DeploymentParameter>),
    name: { value: 'bench' },
    // One target for both instances: iperf3's control and data connections hash to either instance.
    targets: { value: ['172.31.44.65', '172.31.44.65'] },
    portMappings: {
      value: [
        { frontendPort: 5201, targetPort: 5201 },
        { frontendPort: 7, targetPort: 7 },
      ],
    },
  };
  const deployed = await new DeploymentsClient(credential, local.cloud.subscriptionId, {
    endpoint: local.cloud.resourceManager,
    credentials: { scopes: [scope] },
  }).deployments.createOrUpdate(
    rg,
    'bench',
    { properties: { template: built.template!, parameters, mode: 'Incremental' } },
    { updateIntervalInMs: 20 },
  );
  const outputs = deployed.properties!.outputs as Record<string, { value: string }>;
  await fabric.settled();
  const vmss = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/${outputs.vmssName!.value}/virtualMachines`;
  const instance0 = `${vmss}/0`;
  // iperf3 servers on both targets, daemonised inside their namespaces (removed with them).
  for (const server of ['bench-a']) await fabric.runOnPrem(server, ['iperf3', '-s', '-D', '-p', '5201']);
  // The user-space comparison: socat in instance 0, relaying to the same target (its port opened for the bench).
  await fabric.run(instance0, [
    'iptables',
    '-I',
    'FWD-INPUT',
    '1',
    '-p',
    'tcp',
    '--dport',
    '5202',
    '-j',
    'ACCEPT',
  ]);
  const socat = fabric.exec(instance0, ['socat', 'TCP-LISTEN:5202,fork,reuseaddr', 'TCP:172.31.44.65:5201']);
  while (!fabric.inRotation(outputs.ilbFrontendIp!.value, 5201, instance0))
    await new Promise((w) => setTimeout(w, 100));
  await new Promise((w) => setTimeout(w, 500));

  const hub = outputs.hubJumpboxId!.value;
  const spoke = outputs.spokeJumpboxId!.value;
  const iperf = async (id: string, host: string, port: number): Promise<number> => {
    process.stderr.write(`bench: iperf3 to ${host}:${port}\n`);
    const { stdout } = await fabric.run(id, [
      'iperf3',
      '-c',
      host,
      '-p',
      String(port),
      '-t',
      String(seconds),
      '-J',
    ]);
    const result = JSON.parse(stdout) as {
      end?: { sum_received?: { bits_per_second?: number } };
      error?: string;
    };
    if (result.end?.sum_received?.bits_per_second === undefined)
      throw new Error(`iperf3 to ${host}:${port}: ${result.error}`);
    return result.end.sum_received.bits_per_second / 1e9;
  };
  const instanceIp = fabric.addressOf(instance0);
  const direct = await iperf(hub, '172.31.44.65', 5201);
  const forwarded = await iperf(hub, instanceIp, 5201);
  const throughLb = await iperf(hub, outputs.ilbFrontendIp!.value, 5201);
  const throughPe = await iperf(spoke, outputs.privateEndpointIp!.value, 5201);
  const userSpace = await iperf(hub, instanceIp, 5202);
  const latency = async (host: string, port: number) => {
    process.stderr.write(`bench: round trips and connections to ${host}:${port}\n`);
    const { stdout } = await fabric.run(hub, [process.execPath, '-e', latencyProgram, host, String(port)]);
    return JSON.parse(stdout) as { p50: number; p99: number; connectionsPerSecond: number; failed: number };
  };
  const directEcho = await latency('172.31.44.65', 7);
  const forwardedEcho = await latency(instanceIp, 7);
  socat.kill();
  const round = (n: number) => Math.round(n * 100) / 100;
  const report = {
    command: 'node_modules/.bin/node --import tsx packages/local-cloud/test/fabric-bench.ts',
    seconds,
    gbps: {
      directHubToOnPrem: round(direct),
      forwardedByInstance: round(forwarded),
      throughIlbFrontend: round(throughLb),
      throughPrivateEndpoint: round(throughPe),
      socatInInstance: round(userSpace),
    },
    forwardedOverDirect: round(forwarded / direct),
    roundTripMicroseconds: {
      direct: { p50: round(directEcho.p50), p99: round(directEcho.p99) },
      forwarded: { p50: round(forwardedEcho.p50), p99: round(forwardedEcho.p99) },
    },
    addedLatencyMicroseconds: {
      p50: round(forwardedEcho.p50 - directEcho.p50),
      p99: round(forwardedEcho.p99 - directEcho.p99),
    },
    newConnectionsPerSecond: {
      direct: directEcho.connectionsPerSecond,
      forwarded: forwardedEcho.connectionsPerSecond,
    },
    failedConnections: {
      direct: directEcho.failed,
      forwarded: forwardedEcho.failed,
    },
    connectionsForwardedOverDirect: round(
      forwardedEcho.connectionsPerSecond / directEcho.connectionsPerSecond,
    ),
    forwardedOverSocat: round(forwarded / userSpace),
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} finally {
  await local.stop();
}
