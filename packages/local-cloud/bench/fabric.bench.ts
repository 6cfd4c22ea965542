/**
 * The forwarder's data plane in the fabric (needs root): bicep/forwarder deployed through the unmodified
 * deployments SDK with one instance, then, in one run on the same namespaces,
 *
 * - throughput (iperf3) from the hub jump box to the on-prem target directly (hub router, site router) and through
 *   the internal load balancer's frontend (hub router DNAT, instance DNAT + MASQUERADE, back through the hub
 *   router), alternated round by round; the spoke jump box through the private endpoint has no direct path to the
 *   target (the spoke is not peered), so its figure is compared with the hub's direct one and named so;
 * - the same instance reached by its own address on the forwarded port (kernel DNAT) and on ports served by socat
 *   relaying to the same target (the user-space forwarder, as the seed's Windows portproxy);
 * - round trips of one byte (p50, p99) on a direct and a forwarded connection, pinged alternately by one client;
 * - new connections per second, direct and forwarded, alternated phase by phase (each connection is reset by the
 *   client once its handshake completes, so neither side keeps TIME_WAIT state across phases);
 * - 50,000 connections held open at once from the spoke through the private endpoint and the one instance, each
 *   checked by an echo after the hold, with the instance's conntrack count read during the hold.
 *
 * The module's conntrackMax parameter is written by the rule script inside the instance's namespace, where Linux
 * keeps nf_conntrack_max read-only (the limit is the host's, applied to each namespace's own count). The figures
 * say whether the script could set it, what the instance sees, and whether the host's value was raised for the
 * run (only when below the parameter; restored in the finally).
 */
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient, type DeploymentParameter } from '@azure/arm-resourcesdeployments';
import { compileParams } from '@azpn/bicep';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';
import { namespaceSysctls, runCommand, spawnInNamespace } from '../src/fabric/host-commands.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const group = 'rg-fabric-bench';
const target = '172.31.44.65';
const iperfPort = 5201;
/** socat with its default 8 KiB transfer block, and with a 128 KiB one (its best case here). */
const socatPort = 5202;
const socatLargeBlockPort = 5203;
/** Served by `serverProgram` in the target's namespace: echo, for round trips, new connections and the hold. */
const tcpPort = 9000;
const conntrackMax = 65536;
const holdConnections = 50_000;
const holdSeconds = 5;
/** The hold's clients use local ports from here up, a distinct block per process. */
const holdFirstPort = 10_000;
const throughputSeconds = 3;
const latencyRounds = 20_000;
const connectionPhaseSeconds = 1.5;
const connectionConcurrency = 64;
const hostConntrackMax = '/proc/sys/net/netfilter/nf_conntrack_max';

// The programs below run under this process's Node inside a namespace; plain JavaScript, no loader needed.

/**
 * Echo server: every byte back; answers the number of open connections for each line on stdin. Several share the
 * port (SO_REUSEPORT) when one process may not hold enough descriptors.
 */
const serverProgram = `
const net = require('node:net');
const [address, port] = [process.argv[1], Number(process.argv[2])];
let open = 0;
const server = net.createServer({ noDelay: true }, (socket) => {
  open++;
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => undefined);
  socket.on('close', () => open--);
});
server.listen({ host: address, port, backlog: 65535, reusePort: true }, () => process.stdout.write('ready\\n'));
require('node:readline').createInterface({ input: process.stdin }).on('line', () => process.stdout.write(open + '\\n'));`;

/** One connection to each host, pinged alternately with one byte; answers the round trips' quantiles in us. */
const latencyProgram = `
const net = require('node:net');
const [rounds, port, ...hosts] = [Number(process.argv[1]), Number(process.argv[2]), ...process.argv.slice(3)];
const open = (host) => new Promise((resolve, reject) => {
  const socket = net.connect({ host, port, noDelay: true }, () => resolve(socket));
  socket.on('error', reject);
});
const ping = (socket) => new Promise((resolve) => {
  const sent = process.hrtime.bigint();
  socket.once('data', () => resolve(Number(process.hrtime.bigint() - sent) / 1000));
  socket.write('x');
});
(async () => {
  const sockets = await Promise.all(hosts.map(open));
  const samples = hosts.map(() => []);
  for (let round = -1000; round < rounds; round++) {
    for (let i = 0; i < sockets.length; i++) {
      const rtt = await ping(sockets[i]);
      if (round >= 0) samples[i].push(rtt);
    }
  }
  for (const socket of sockets) socket.destroy();
  const at = (sorted, q) => sorted[Math.floor(q * (sorted.length - 1))];
  process.stdout.write(JSON.stringify(samples.map((s) => {
    s.sort((a, b) => a - b);
    return { p50: at(s, 0.5), p99: at(s, 0.99) };
  })));
})().catch((error) => { process.stderr.write(String(error)); process.exit(1); });`;

/**
 * New connections per second: phases of a fixed length alternating between hosts, each with a fixed number of
 * connectors that open a connection, reset it once the handshake completes, and open the next.
 */
const connectionRateProgram = `
const net = require('node:net');
const [seconds, concurrency, port, ...hosts] = process.argv.slice(1);
const phase = (host) => new Promise((resolve) => {
  const start = process.hrtime.bigint();
  const until = Date.now() + Number(seconds) * 1000;
  let made = 0, failed = 0, running = Number(concurrency);
  const next = () => {
    if (Date.now() >= until) {
      if (--running === 0) resolve({ made, failed, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      return;
    }
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(1000, () => { failed++; socket.destroy(); next(); });
    socket.once('connect', () => { made++; socket.setTimeout(0); socket.resetAndDestroy(); next(); });
    socket.once('error', () => { failed++; socket.setTimeout(0); next(); });
  };
  for (let i = 0; i < running; i++) next();
});
(async () => {
  const results = [];
  for (const host of hosts) results.push(await phase(host));
  process.stdout.write(JSON.stringify(results));
})();`;

/**
 * The hold: opens COUNT connections with at most IN_FLIGHT handshakes pending, from local ports FIRST_PORT on (the
 * kernel's own choice slows to a crawl once the even half of the range is used), reports, then on each stdin line
 * 'check' sends one byte on every connection and reports how many came back and how many closed meanwhile.
 */
const holdProgram = `
const net = require('node:net');
const [host, port, count, inFlight, firstPort] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const sockets = [];
let started = 0, pending = 0, established = 0, failed = 0, closedAfterEstablished = 0, firstError = '';
const start = process.hrtime.bigint();
const report = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
const open = () => {
  while (pending < inFlight && started < count) {
    started++; pending++;
    const socket = net.connect({ host, port, localPort: firstPort + started - 1 });
    let up = false;
    socket.setTimeout(15000, () => socket.destroy(new Error('handshake timed out')));
    socket.once('connect', () => { up = true; established++; pending--; socket.setTimeout(0); sockets.push(socket); open(); done(); });
    socket.on('error', (error) => { firstError ||= error.message; });
    socket.on('close', () => {
      if (up) closedAfterEstablished++;
      else { failed++; pending--; open(); done(); }
    });
  }
};
const done = () => {
  if (established + failed === count && !done.reported) {
    done.reported = true;
    report({ established, failed, firstError, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
  }
};
require('node:readline').createInterface({ input: process.stdin }).on('line', () => {
  let echoed = 0, answered = false;
  const finish = () => { if (!answered) { answered = true; report({ echoed, closedAfterEstablished }); } };
  const timer = setTimeout(finish, 15000);
  for (const socket of sockets) {
    socket.once('data', () => { if (++echoed === sockets.length) { clearTimeout(timer); finish(); } });
    socket.write('x');
  }
  if (sockets.length === 0) finish();
});
open();`;

/** A process in a namespace with its soft open-file limit raised to the hard one, and its stdout as lines. */
class NamespaceProcess {
  readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly reader: Interface;
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(namespace: string, argv: string[], openFiles: number) {
    this.child = spawnInNamespace(namespace, ['prlimit', `--nofile=${openFiles}:${openFiles}`, ...argv]);
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.reader = createInterface({ input: this.child.stdout! });
    this.reader.on('line', (line) => {
      const wake = this.waiting.shift();
      if (wake) wake(line);
      else this.lines.push(line);
    });
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  /** The next line of output; rejects if the process ends first. */
  line(): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      void this.exited.then((code) =>
        reject(new Error(`${this.child.spawnargs.slice(-3).join(' ')} ended (${code}): ${this.stderr}`)),
      );
    });
  }

  /** Everything the process writes until it exits, and its exit code. */
  async finish(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    this.child.stdin!.end();
    const code = await this.exited;
    return { code, stdout: this.lines.splice(0).join('\n'), stderr: this.stderr };
  }

  /** Everything the process writes until it exits, rejecting on a non-zero exit. */
  async output(): Promise<string> {
    const { code, stdout, stderr } = await this.finish();
    if (code !== 0) throw new Error(`${this.child.spawnargs.join(' ')} exited ${code}: ${stderr}`);
    return stdout;
  }

  send(line: string): void {
    this.child.stdin!.write(line + '\n');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** The scenario's deployer signed in with its secret, and the options that point an SDK client at the cloud. */
function deployerSdk(local: LocalCloud) {
  trustCloudCa(local.cloud.caPem);
  return cloudSdkAccess(local.cloud);
}

async function deployForwarder(local: LocalCloud): Promise<Record<string, string>> {
  const { credential, options } = deployerSdk(local);
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).resourceGroups.createOrUpdate(group, { location: 'westeurope' });
  const built = await compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  const parameters = {
    ...(built.parameters.parameters as Record<string, DeploymentParameter>),
    name: { value: 'bench' },
    // One instance: everything through the load balancer and the private endpoint crosses the same instance.
    instanceCount: { value: 1 },
    targets: { value: [target] },
    conntrackMax: { value: conntrackMax },
    portMappings: {
      value: [
        { frontendPort: iperfPort, targetPort: iperfPort },
        { frontendPort: tcpPort, targetPort: tcpPort },
      ],
    },
  };
  const deployed = await new DeploymentsClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).deployments.createOrUpdate(
    group,
    'bench',
    { properties: { template: built.template!, parameters, mode: 'Incremental' } },
    { updateIntervalInMs: 20 },
  );
  const outputs = deployed.properties!.outputs as Record<string, { value: string }>;
  return Object.fromEntries(Object.entries(outputs).map(([key, { value }]) => [key, value]));
}

/**
 * How long ARM changes take to show in the fabric (the issue: within a second): an A record rewritten through
 * the SDK until `dig` in the spoke answers the new address, several times; then the private endpoint deleted
 * until its namespace is gone. Measured from the SDK call's answer.
 */
async function convergence(
  local: LocalCloud,
  outputs: Record<string, string>,
): Promise<{ dnsMedianMs: number; dnsMaxMs: number; endpointGoneMs: number }> {
  const fabric = local.fabric!;
  const { credential, options } = deployerSdk(local);
  const dns = new PrivateDnsManagementClient(credential, local.cloud.subscriptionId, options);
  const network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  const spoke = outputs.spokeJumpboxId!;
  const dnsMs: number[] = [];
  for (let round = 1; round <= 5; round++) {
    const address = `10.1.0.${200 + round}`;
    await dns.recordSets.createOrUpdate(group, outputs.dnsZoneName!, 'A', 'convergence', {
      ttl: 10,
      aRecords: [{ ipv4Address: address }],
    });
    const changed = performance.now();
    const name = `convergence.${outputs.dnsZoneName!}`;
    while ((await fabric.run(spoke, ['dig', '+short', name])).stdout.trim() !== address) {
      if (performance.now() - changed > 10_000) throw new Error(`${name} never answered ${address}`);
    }
    dnsMs.push(performance.now() - changed);
  }
  const endpointName = outputs.privateEndpointId!.split('/').pop()!;
  const namespaces = async () => (await runCommand('ip', ['netns', 'list'])).includes(`-pe-${endpointName}-`);
  if (!(await namespaces())) throw new Error(`the private endpoint ${endpointName} has no namespace`);
  await network.privateEndpoints.beginDeleteAndWait(group, endpointName, { updateIntervalInMs: 20 });
  const deleted = performance.now();
  while (await namespaces()) {
    if (performance.now() - deleted > 10_000) throw new Error(`${endpointName} stayed in the fabric`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const endpointGoneMs = performance.now() - deleted;
  dnsMs.sort((a, b) => a - b);
  return { dnsMedianMs: dnsMs[2]!, dnsMaxMs: dnsMs[4]!, endpointGoneMs };
}

/** Runs the benchmark and returns its figures. */
export default async function fabricBench(): Promise<Record<string, number | string | boolean>> {
  const started = performance.now();
  // Raising the hard limit takes CAP_SYS_RESOURCE, which a container may lack: the hold spreads its
  // connections over as many client and server processes as the hard limit requires.
  const limits = await readFile('/proc/self/limits', 'utf8');
  const openFiles = Number(/^Max open files\s+\S+\s+(\d+)/m.exec(limits)?.[1] ?? 1024);
  const holdProcesses = Math.ceil(holdConnections / Math.floor(openFiles * 0.6));
  const hostMaxBefore = Number((await readFile(hostConntrackMax, 'utf8')).trim());
  let hostMaxRaised = false;
  const processes: NamespaceProcess[] = [];
  let local: LocalCloud | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      for (const running of processes) running.kill();
      if (hostMaxRaised) await writeFile(hostConntrackMax, `${hostMaxBefore}\n`);
      await local?.stop();
    })());
  // An interrupted run still removes its namespaces and restores the host (SIGKILL leaves them to the next
  // start's sweep, and the host's value as raised).
  const interrupted = (signal: NodeJS.Signals) => {
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const start = (namespace: string, argv: string[]) => {
    const started = new NamespaceProcess(namespace, argv, openFiles);
    processes.push(started);
    return started;
  };
  try {
    local = await startLocalCloud({
      scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
      fabric: {
        probeIntervalMs: 500,
        onPrem: [
          {
            attachTo: 'vnet-hub-bench',
            prefixes: ['172.31.44.0/24'],
            servers: [{ name: 'bench-target', ip: target }],
          },
        ],
      },
    });
    const fabric = local.fabric!;
    const outputs = await deployForwarder(local);
    await fabric.settled();
    const instance = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachineScaleSets/${outputs.vmssName}/virtualMachines/0`;
    const instanceNs = fabric.namespaceOf(instance);
    const instanceIp = fabric.addressOf(instance);
    const hubNs = fabric.namespaceOf(outputs.hubJumpboxId!);
    const spokeNs = fabric.namespaceOf(outputs.spokeJumpboxId!);
    const targetNs = fabric.names.namespace('onprem', 'bench-target');
    const ilb = outputs.ilbFrontendIp!;
    const endpoint = outputs.privateEndpointIp!;

    // Conntrack: what the rule script could do with the module's parameter, and what the instance sees.
    const bootLog = fabric.bootLogs.get(instance.toLowerCase()) ?? '';
    if (!bootLog.includes('rules applied and persisted'))
      throw new Error(`The forwarder instance did not apply its rules:\n${bootLog}`);
    const ruleScriptKeptConntrackMax = bootLog.includes('nf_conntrack_max kept');
    const readInInstance = async (argv: string[]) => (await start(instanceNs, argv).output()).trim();
    const instanceConntrackMax = Number(
      await readInInstance(['cat', '/proc/sys/net/netfilter/nf_conntrack_max']),
    );
    if (instanceConntrackMax < conntrackMax && hostMaxBefore < conntrackMax) {
      await writeFile(hostConntrackMax, `${conntrackMax}\n`);
      hostMaxRaised = true;
    }
    const hostMaxDuringRun = Number((await readFile(hostConntrackMax, 'utf8')).trim());
    const instanceMaxDuringRun = Number(
      await readInInstance(['cat', '/proc/sys/net/netfilter/nf_conntrack_max']),
    );
    const conntrackCount = async () => Number(await readInInstance(['conntrack', '-C']));

    // Servers in the target's namespace, the socat relays in the instance (the settings below are per namespace,
    // gone with the namespaces). The spoke's own ephemeral ports (iperf3's) are kept above the block the hold binds explicitly.
    await namespaceSysctls(spokeNs, { 'net.ipv4.ip_local_port_range': '60000 65535' });
    await namespaceSysctls(targetNs, {
      'net.core.somaxconn': '65535',
      'net.ipv4.tcp_max_syn_backlog': '65535',
    });
    const servers = Array.from({ length: holdProcesses }, () =>
      start(targetNs, [process.execPath, '-e', serverProgram, target, String(tcpPort)]),
    );
    for (const server of servers)
      if ((await server.line()) !== 'ready') throw new Error('The echo server did not start.');
    const iperfServer = start(targetNs, ['iperf3', '-s', '-p', String(iperfPort)]);
    for (const [port, block] of [
      [socatPort, []],
      [socatLargeBlockPort, ['-b', '131072']],
    ] as const) {
      await fabric.run(instance, [
        'iptables',
        '-I',
        'FWD-INPUT',
        '1',
        '-p',
        'tcp',
        '--dport',
        String(port),
        '-j',
        'ACCEPT',
      ]);
      start(instanceNs, [
        'socat',
        ...block,
        `TCP-LISTEN:${port},fork,reuseaddr,nodelay`,
        `TCP:${target}:${iperfPort},nodelay`,
      ]);
    }
    const deadline = Date.now() + 30_000;
    while (!fabric.inRotation(ilb, iperfPort, instance) || !fabric.inRotation(ilb, tcpPort, instance)) {
      if (Date.now() > deadline || iperfServer.child.exitCode !== null)
        throw new Error('The forwarder instance did not come into rotation within 30 s.');
      await new Promise((wake) => setTimeout(wake, 100));
    }
    const setupSeconds = (performance.now() - started) / 1000;

    // Throughput. The load balancer's probe also connects to the iperf3 server every 500 ms; a test that meets
    // it answers "busy" and is run again.
    const iperf = async (namespace: string, host: string, port: number): Promise<number> => {
      for (let attempt = 0; ; attempt++) {
        const child = start(namespace, [
          'iperf3',
          '-c',
          host,
          '-p',
          String(port),
          '-t',
          String(throughputSeconds),
          '-O',
          '1',
          '-J',
        ]);
        const { stdout, stderr } = await child.finish();
        const result = JSON.parse(stdout || JSON.stringify({ error: stderr })) as {
          end?: { sum_received?: { bits_per_second?: number } };
          error?: string;
        };
        const bps = result.end?.sum_received?.bits_per_second;
        if (bps !== undefined && result.error === undefined) return bps / 1e9;
        if (attempt >= 4) throw new Error(`iperf3 to ${host}:${port}: ${result.error}`);
        await new Promise((wake) => setTimeout(wake, 300));
      }
    };
    const direct: number[] = [];
    const throughIlb: number[] = [];
    const kernel: number[] = [];
    const socat: number[] = [];
    const socatLargeBlock: number[] = [];
    const throughEndpoint: number[] = [];
    for (let i = 0; i < 3; i++) {
      direct.push(await iperf(hubNs, target, iperfPort));
      throughIlb.push(await iperf(hubNs, ilb, iperfPort));
    }
    for (let i = 0; i < 2; i++) {
      kernel.push(await iperf(hubNs, instanceIp, iperfPort));
      socat.push(await iperf(hubNs, instanceIp, socatPort));
      socatLargeBlock.push(await iperf(hubNs, instanceIp, socatLargeBlockPort));
    }
    throughEndpoint.push(await iperf(spokeNs, endpoint, iperfPort));

    // Round trips, alternating between the direct and the forwarded connection.
    const [rttDirect, rttForwarded] = JSON.parse(
      await start(hubNs, [
        process.execPath,
        '-e',
        latencyProgram,
        String(latencyRounds),
        String(tcpPort),
        target,
        ilb,
      ]).output(),
    ) as { p50: number; p99: number }[];

    // New connections per second: direct, forwarded, direct, forwarded.
    const phases = JSON.parse(
      await start(hubNs, [
        process.execPath,
        '-e',
        connectionRateProgram,
        String(connectionPhaseSeconds),
        String(connectionConcurrency),
        String(tcpPort),
        target,
        ilb,
        target,
        ilb,
      ]).output(),
    ) as { made: number; failed: number; seconds: number }[];
    const rate = (list: typeof phases) =>
      list.reduce((sum, p) => sum + p.made, 0) / list.reduce((sum, p) => sum + p.seconds, 0);
    const directPhases = phases.filter((_, i) => i % 2 === 0);
    const forwardedPhases = phases.filter((_, i) => i % 2 === 1);

    // The hold. Conntrack's count includes expired entries not yet collected (the reset connections above leave
    // many); the established entries towards the target's port are listed too, which skips expired ones.
    const conntrackBeforeHold = await conntrackCount();
    const perProcess = Math.ceil(holdConnections / holdProcesses);
    const holds = Array.from({ length: holdProcesses }, (_, i) =>
      start(spokeNs, [
        process.execPath,
        '-e',
        holdProgram,
        endpoint,
        String(tcpPort),
        String(Math.min(perProcess, holdConnections - i * perProcess)),
        String(Math.ceil(1000 / holdProcesses)),
        String(holdFirstPort + i * perProcess),
      ]),
    );
    const openedEach = await Promise.all(
      holds.map(
        async (hold) =>
          JSON.parse(await hold.line()) as {
            established: number;
            failed: number;
            firstError: string;
            seconds: number;
          },
      ),
    );
    const opened = {
      established: openedEach.reduce((sum, o) => sum + o.established, 0),
      failed: openedEach.reduce((sum, o) => sum + o.failed, 0),
      seconds: Math.max(...openedEach.map((o) => o.seconds)),
      firstError: openedEach.map((o) => o.firstError).find(Boolean) ?? '',
    };
    await new Promise((wake) => setTimeout(wake, holdSeconds * 1000));
    const conntrackDuringHold = await conntrackCount();
    const establishedEntries = (
      await readInInstance([
        'conntrack',
        '-L',
        '-p',
        'tcp',
        '--dport',
        String(tcpPort),
        '--state',
        'ESTABLISHED',
      ])
    )
      .split('\n')
      .filter((line) => line.includes(`dport=${tcpPort}`)).length;
    let serverOpen = 0;
    for (const server of servers) {
      server.send('count');
      serverOpen += Number(await server.line());
    }
    for (const hold of holds) hold.send('check');
    const checkedEach = await Promise.all(
      holds.map(
        async (hold) => JSON.parse(await hold.line()) as { echoed: number; closedAfterEstablished: number },
      ),
    );
    const checked = {
      echoed: checkedEach.reduce((sum, c) => sum + c.echoed, 0),
      closedAfterEstablished: checkedEach.reduce((sum, c) => sum + c.closedAfterEstablished, 0),
    };
    for (const hold of holds) hold.kill();

    const converged = await convergence(local, outputs);
    const throughputRatio = median(throughIlb) / median(direct);
    const socatRatio = median(kernel) / median(socat);
    const socatLargeBlockRatio = median(kernel) / median(socatLargeBlock);
    const addedP50 = rttForwarded!.p50 - rttDirect!.p50;
    const connectionRatio = rate(forwardedPhases) / rate(directPhases);
    const holdFailed = opened.failed + checked.closedAfterEstablished + (opened.established - checked.echoed);
    return {
      command: 'npm run bench -- fabric',
      cores: cpus().length,
      setupSeconds: round(setupSeconds, 1),
      throughputSecondsPerTest: throughputSeconds,
      gbpsDirectHubToTarget: round(median(direct)),
      gbpsForwardedHubThroughIlb: round(median(throughIlb)),
      throughputForwardedOverDirect: round(throughputRatio, 3),
      meetsThroughputGoal: throughputRatio >= 0.95,
      // No direct path from the spoke (not peered): compared with the hub jump box's direct figure.
      gbpsForwardedSpokeThroughPrivateEndpoint: round(median(throughEndpoint)),
      throughputPrivateEndpointOverHubDirect: round(median(throughEndpoint) / median(direct), 3),
      gbpsKernelForwardHubToInstance: round(median(kernel)),
      gbpsSocatHubToInstance: round(median(socat)),
      throughputKernelOverSocat: round(socatRatio),
      meetsSocatGoal: socatRatio >= 3,
      gbpsSocatLargeBlockHubToInstance: round(median(socatLargeBlock)),
      throughputKernelOverSocatLargeBlock: round(socatLargeBlockRatio),
      meetsSocatGoalAgainstLargeBlock: socatLargeBlockRatio >= 3,
      latencyRoundTrips: latencyRounds,
      rttDirectP50Us: round(rttDirect!.p50, 1),
      rttDirectP99Us: round(rttDirect!.p99, 1),
      rttForwardedP50Us: round(rttForwarded!.p50, 1),
      rttForwardedP99Us: round(rttForwarded!.p99, 1),
      addedLatencyP50Us: round(addedP50, 1),
      addedLatencyP99Us: round(rttForwarded!.p99 - rttDirect!.p99, 1),
      meetsLatencyGoal: addedP50 <= 30,
      connectionConcurrency,
      connectionsPerSecondDirect: Math.round(rate(directPhases)),
      connectionsPerSecondForwarded: Math.round(rate(forwardedPhases)),
      connectionsFailedDirect: directPhases.reduce((sum, p) => sum + p.failed, 0),
      connectionsFailedForwarded: forwardedPhases.reduce((sum, p) => sum + p.failed, 0),
      connectionRateForwardedOverDirect: round(connectionRatio, 3),
      meetsConnectionRateGoal: connectionRatio >= 0.9,
      holdAttempted: holdConnections,
      holdEstablished: opened.established,
      holdFailedToOpen: opened.failed,
      holdFirstError: opened.firstError,
      holdClosedDuringHold: checked.closedAfterEstablished,
      holdEchoedAfterHold: checked.echoed,
      holdOpenAtServer: serverOpen,
      holdSecondsToEstablish: round(opened.seconds),
      holdSeconds,
      holdOpenFileLimitPerProcess: openFiles,
      holdProcessesEachSide: holdProcesses,
      conntrackCountInInstanceBeforeHold: conntrackBeforeHold,
      conntrackCountInInstanceDuringHold: conntrackDuringHold,
      conntrackEstablishedToTargetPortInInstanceDuringHold: establishedEntries,
      meetsConcurrencyGoal:
        holdFailed === 0 && checked.echoed === holdConnections && establishedEntries >= holdConnections,
      conntrackMaxParameter: conntrackMax,
      conntrackMaxSetByRuleScriptInInstance:
        !ruleScriptKeptConntrackMax && instanceConntrackMax === conntrackMax,
      conntrackMaxSeenInInstance: instanceMaxDuringRun,
      hostConntrackMaxBefore: hostMaxBefore,
      hostConntrackMaxDuringRun: hostMaxDuringRun,
      hostConntrackMaxRaisedAndRestored: hostMaxRaised,
      dnsChangeVisibleMedianMs: Math.round(converged.dnsMedianMs),
      dnsChangeVisibleMaxMs: Math.round(converged.dnsMaxMs),
      deletedEndpointGoneMs: Math.round(converged.endpointGoneMs),
      meetsConvergenceGoal: converged.dnsMaxMs < 1000 && converged.endpointGoneMs < 1000,
      totalSeconds: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    await cleanUp();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
}
