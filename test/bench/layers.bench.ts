/**
 * The nested layers' data plane in the fabric (needs root): bicep/layers deployed twice with the deploy action, with
 * haproxy and with nginx as every layer's SNI proxy, side by side in one local cloud (a resource group each, the
 * same origins), and measured in the same run against a direct connection from L4 to the origin (L4's jump box
 * through its NAT gateway), the engines taking turns so both see the same machine:
 *
 * - TLS handshake time (TCP connect to the first hop until the client has validated the origin's certificate):
 *   each layer's added time at the 50th and 99th percentiles of the round-by-round differences of one client
 *   alternating between a path through that layer's proxy and the same path without it;
 * - the throughput of a large download from the origin through the three layers against a direct one made just
 *   before it (the median of the rounds' ratios);
 * - new TLS connections per second (handshake completed, then closed) with the same concurrency, through the three
 *   layers against direct, phase by phase (the median of the phases' ratios);
 * - the proxies' memory: the resident size of each layer's proxy processes (both instances) before and while
 *   `holdConnections` TLS connections through all three layers stay open, scaled to 10,000;
 * - the time from a changed allow-list, redeployed with the deploy action, until L2's jump box reaches the newly
 *   allowed name (the instances' watcher reads the userData every refreshSeconds, 5 by default).
 *
 * Goals (from the issue): at most 1 ms added per layer at p50, at least 0.8 of direct throughput, at least 0.7 of
 * direct connection rate. Client, proxies and origin all share this machine's cores, which a real deployment's
 * instances do not.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LocalCloudAdmin, startLocalCloud, type LocalCloud } from '@azpn/local-cloud';
import { deployLayers, layersInternet, origins, proxyInstances } from '../../scripts/layers-pipeline.js';

const handshakeRounds = 500;
/** The engines take turns every handshakeRounds / handshakeChunks rounds. */
const handshakeChunks = 5;
const downloadBytes = 128 * 1024 * 1024;
const downloadRounds = 7;
const ratePhaseSeconds = 2;
const ratePhases = 4;
const rateConcurrency = 16;
const holdConnections = 3000;

// Runs under this process's Node inside a jump box's namespace; plain JavaScript, no loader needed.
const clientProgram = `
const fs = require('node:fs');
const tls = require('node:tls');
const [mode, caFile, ...args] = process.argv.slice(1);
const ca = fs.readFileSync(caFile);
const parse = (t) => { const [host, name] = t.split(','); return { host, name }; };
const now = () => Number(process.hrtime.bigint()) / 1e6;
function connect(target) {
  return new Promise((resolve, reject) => {
    const started = now();
    const socket = tls.connect({ host: target.host, port: 443, servername: target.name, ca }, () => resolve({ socket, ms: now() - started }));
    socket.setTimeout(10000, () => socket.destroy(new Error('timed out')));
    socket.on('error', reject);
  });
}
async function handshakes(rounds, targets) {
  const out = Object.fromEntries(targets.map((t) => [t, []]));
  for (let i = 0; i < rounds; i++) for (const t of targets) { const { socket, ms } = await connect(parse(t)); socket.destroy(); out[t].push(ms); }
  return out;
}
function download(target, bytes) {
  return connect(target).then(({ socket }) => new Promise((resolve, reject) => {
    const started = now(); let received = 0; let header = true; let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      if (header) { buffered = Buffer.concat([buffered, chunk]); const end = buffered.indexOf('\\r\\n\\r\\n'); if (end < 0) return; header = false; received = buffered.length - end - 4; }
      else received += chunk.length;
      if (received >= bytes) { socket.destroy(); resolve((bytes / 1048576) / ((now() - started) / 1000)); }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('the connection closed after ' + received + ' of ' + bytes + ' bytes')));
    socket.write('GET /bytes/' + bytes + ' HTTP/1.1\\r\\nhost: ' + target.name + '\\r\\nconnection: close\\r\\n\\r\\n');
  }));
}
async function rate(seconds, concurrency, target) {
  const end = now() + seconds * 1000; let done = 0;
  const worker = async () => { while (now() < end) { const { socket } = await connect(target); socket.destroy(); done++; } };
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((now() - started) / 1000);
}
async function hold(count, target) {
  const sockets = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => connect(target)));
    for (const { socket } of batch) { socket.setTimeout(0); sockets.push(socket); }
  }
  process.stdout.write(JSON.stringify({ held: sockets.length }) + '\\n');
  process.stdin.on('data', () => undefined);
  await new Promise((resolve) => process.stdin.on('end', resolve));
  for (const socket of sockets) socket.destroy();
}
(async () => {
  if (mode === 'handshakes') return handshakes(Number(args[0]), args.slice(1));
  if (mode === 'download') { const out = Object.fromEntries(args.slice(2).map((t) => [t, []])); for (let i = 0; i < Number(args[1]); i++) for (const t of args.slice(2)) out[t].push(await download(parse(t), Number(args[0]))); return out; }
  if (mode === 'rate') { const out = Object.fromEntries(args.slice(3).map((t) => [t, []])); for (let i = 0; i < Number(args[0]); i++) for (const t of args.slice(3)) out[t].push(await rate(Number(args[1]), Number(args[2]), parse(t))); return out; }
  if (mode === 'hold') return hold(Number(args[0]), parse(args[1]));
})().then((out) => { if (out) process.stdout.write(JSON.stringify(out) + '\\n'); process.exit(0); }, (error) => { process.stderr.write(String(error && error.stack || error) + '\\n'); process.exit(1); });`;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const median = (values: number[]) => quantile(values, 0.5);
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

interface Setup {
  local: LocalCloud;
  outputs: Record<string, string>;
  caFile: string;
}
type Setups = Record<'haproxy' | 'nginx', Setup>;

/** Runs the client program in a jump box and parses its JSON answer. */
async function client(setup: Setup, box: string, args: string[]): Promise<Record<string, number[]>> {
  const result = await setup.local.fabric!.run(setup.outputs[`${box}JumpboxId`]!, [
    process.execPath,
    '-e',
    clientProgram,
    args[0]!,
    setup.caFile,
    ...args.slice(1),
  ]);
  if (result.code !== 0) throw new Error(`the ${box} client failed: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as Record<string, number[]>;
}

const target = (host: string) => `${host},${origins.allowed.name}`;

/** Whether a jump box reaches a name over HTTPS now; false while the box is not realised yet. */
async function reaches(local: LocalCloud, box: string, name: string): Promise<boolean> {
  try {
    const { code } = await local.fabric!.run(box, [
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      `https://${name}/`,
    ]);
    return code === 0;
  } catch {
    return false;
  }
}

/**
 * Each layer's added handshake time, measured by one client alternating round by round between a path through
 * that layer and the same path without it: L4's box direct and through L4's proxy, L3's box through L4's and
 * through L3's and L4's proxies (L3 may reach L4's frontend), L2's box through L3's and through all three.
 * The engines take turns chunk by chunk, so both see the same machine.
 */
async function handshakeFigures(setups: Setups): Promise<Record<string, number>> {
  const series = new Map<string, number[]>();
  const add = (key: string, values: number[]) => series.set(key, [...(series.get(key) ?? []), ...values]);
  const chunk = String(handshakeRounds / handshakeChunks);
  for (let i = 0; i < handshakeChunks; i++) {
    for (const [engine, setup] of Object.entries(setups)) {
      const { outputs } = setup;
      const paths = [
        target(origins.allowed.ip),
        target(outputs.l4Frontend!),
        target(outputs.l3Frontend!),
        target(outputs.l2Frontend!),
      ];
      const boxes = ['l4', 'l3', 'l2'] as const;
      for (const [n, box] of boxes.entries()) {
        const measured = await client(setup, box, ['handshakes', chunk, paths[n]!, paths[n + 1]!]);
        // Round by round the two handshakes ran back to back: their difference is what the layer added then.
        add(
          `${engine}.${box}`,
          measured[paths[n + 1]!]!.map((ms, r) => ms - measured[paths[n]!]![r]!),
        );
        if (box === 'l4') add(`${engine}.direct`, measured[paths[0]!]!);
      }
    }
  }
  const figures: Record<string, number> = {};
  for (const engine of Object.keys(setups)) {
    let perLayer = 0;
    for (const box of ['l2', 'l3', 'l4']) {
      const added = series.get(`${engine}.${box}`)!;
      figures[`${engine}.handshakeAdded${box.toUpperCase()}P50Ms`] = round(quantile(added, 0.5));
      figures[`${engine}.handshakeAdded${box.toUpperCase()}P99Ms`] = round(quantile(added, 0.99));
      perLayer = Math.max(perLayer, quantile(added, 0.5));
    }
    const direct = series.get(`${engine}.direct`)!;
    figures[`${engine}.handshakeDirectFromL4P50Ms`] = round(quantile(direct, 0.5));
    figures[`${engine}.handshakeDirectFromL4P99Ms`] = round(quantile(direct, 0.99));
    figures[`${engine}.handshakeGoalMet`] = perLayer <= 1 ? 1 : 0;
  }
  return figures;
}

/**
 * Round by round and engine by engine, a direct download from L4's box then one from L2's box through the three
 * layers: each round's ratio compares two downloads made back to back, and the median ratio is reported.
 */
async function throughputFigures(setups: Setups): Promise<Record<string, number>> {
  const ratios = new Map<string, number[]>();
  const speeds = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  for (let i = 0; i < downloadRounds; i++) {
    for (const [engine, setup] of Object.entries(setups)) {
      const [direct, chain] = [target(origins.allowed.ip), target(setup.outputs.l2Frontend!)];
      const directSpeed = (await client(setup, 'l4', ['download', String(downloadBytes), '1', direct]))[
        direct
      ]![0]!;
      const chainSpeed = (await client(setup, 'l2', ['download', String(downloadBytes), '1', chain]))[
        chain
      ]![0]!;
      push(speeds, `${engine}.direct`, directSpeed);
      push(speeds, `${engine}.chain`, chainSpeed);
      push(ratios, engine, chainSpeed / directSpeed);
    }
  }
  const figures: Record<string, number> = { downloadMiB: downloadBytes / 1048576, downloadRounds };
  for (const engine of Object.keys(setups)) {
    const ratio = median(ratios.get(engine)!);
    figures[`${engine}.throughputDirectMiBps`] = round(median(speeds.get(`${engine}.direct`)!), 1);
    figures[`${engine}.throughputThroughL2MiBps`] = round(median(speeds.get(`${engine}.chain`)!), 1);
    figures[`${engine}.throughputRatio`] = round(ratio);
    figures[`${engine}.throughputGoalMet`] = ratio >= 0.8 ? 1 : 0;
  }
  return figures;
}

/** New TLS connections per second, direct then through the three layers, phase by phase and engine by engine. */
async function rateFigures(setups: Setups): Promise<Record<string, number>> {
  const ratios = new Map<string, number[]>();
  const rates = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  const phase = ['rate', '1', String(ratePhaseSeconds), String(rateConcurrency)];
  for (let i = 0; i < ratePhases; i++) {
    for (const [engine, setup] of Object.entries(setups)) {
      const [direct, chain] = [target(origins.allowed.ip), target(setup.outputs.l2Frontend!)];
      const directRate = (await client(setup, 'l4', [...phase, direct]))[direct]![0]!;
      const chainRate = (await client(setup, 'l2', [...phase, chain]))[chain]![0]!;
      push(rates, `${engine}.direct`, directRate);
      push(rates, `${engine}.chain`, chainRate);
      push(ratios, engine, chainRate / directRate);
    }
  }
  const figures: Record<string, number> = { ratePhases, ratePhaseSeconds, rateConcurrency };
  for (const engine of Object.keys(setups)) {
    const ratio = median(ratios.get(engine)!);
    figures[`${engine}.connectionsPerSecondDirect`] = round(median(rates.get(`${engine}.direct`)!), 0);
    figures[`${engine}.connectionsPerSecondThroughL2`] = round(median(rates.get(`${engine}.chain`)!), 0);
    figures[`${engine}.connectionsPerSecondRatio`] = round(ratio);
    figures[`${engine}.connectionsPerSecondGoalMet`] = ratio >= 0.7 ? 1 : 0;
  }
  return figures;
}

/**
 * Resident kilobytes of a layer's proxy processes, over both instances: every process in the instance's network
 * namespace whose command is the engine (instances share the host's process table, so `ps` inside one would
 * count every instance's).
 */
async function proxyResidentKb(setup: Setup, engine: string, layer: 'l2' | 'l3' | 'l4'): Promise<number> {
  let total = 0;
  for (const instance of proxyInstances(setup.local, setup.outputs, layer)) {
    const namespace = setup.local.fabric!.namespaceOf(instance);
    const pids = execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean);
    for (const pid of pids) {
      // A short-lived process (the watcher's sleep, say) may be gone by now.
      let status: string[];
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n');
      } catch {
        continue;
      }
      if (!status.some((line) => line === `Name:\t${engine}`)) continue;
      total += Number(/^VmRSS:\s+(\d+)/m.exec(status.join('\n'))?.[1] ?? 0);
    }
  }
  return total;
}

async function memoryFigures(setup: Setup, engine: string): Promise<Record<string, number>> {
  const layers = ['l2', 'l3', 'l4'] as const;
  const before = await Promise.all(layers.map((layer) => proxyResidentKb(setup, engine, layer)));
  const child = setup.local.fabric!.exec(setup.outputs.l2JumpboxId!, [
    process.execPath,
    '-e',
    clientProgram,
    'hold',
    setup.caFile,
    String(holdConnections),
    target(setup.outputs.l2Frontend!),
  ]);
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const held = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve((JSON.parse(line) as { held: number }).held),
    );
    child.on('exit', () => reject(new Error(`the hold ended early: ${errors.trim()}`)));
  });
  const during = await Promise.all(layers.map((layer) => proxyResidentKb(setup, engine, layer)));
  child.stdin!.end();
  await new Promise((resolve) => child.on('exit', resolve));
  const figures: Record<string, number> = { [`${engine}.heldConnections`]: held };
  layers.forEach((layer, i) => {
    figures[`${engine}.memory${layer.toUpperCase()}MiBPer10kConnections`] = round(
      ((during[i]! - before[i]!) / 1024) * (10_000 / held),
      1,
    );
    figures[`${engine}.memory${layer.toUpperCase()}IdleMiB`] = round(before[i]! / 1024, 1);
  });
  return figures;
}

async function allowListFigures(setup: Setup, engine: Engine): Promise<Record<string, number>> {
  const allowList = ['gbl.his.arc.azure.com', '*.his.arc.azure.com', origins.allowed.name, 'deb.debian.org'];
  const started = performance.now();
  await deployLayers(setup.local, {
    ...deploymentOf(engine),
    allowList: [...allowList, origins.forbidden.name],
    deploymentName: `layers-change-${engine}`,
  });
  const deployed = performance.now();
  while (!(await reaches(setup.local, setup.outputs.l2JumpboxId!, origins.forbidden.name))) {
    if (performance.now() - started > 120_000)
      throw new Error(`${engine}: L2 never reached the newly allowed name`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
  const seen = performance.now();
  return {
    [`${engine}.allowListRedeploySeconds`]: round((deployed - started) / 1000, 2),
    [`${engine}.allowListChangeToL2Seconds`]: round((seen - started) / 1000, 2),
  };
}

type Engine = 'haproxy' | 'nginx';
const engines: Engine[] = ['haproxy', 'nginx'];
const deploymentOf = (engine: Engine) => ({
  engine,
  resourceGroup: `rg-layers-${engine}`,
  name: engine === 'haproxy' ? 'isah' : 'isan',
});

/** Deploys the layers with one engine and waits until L2's jump box reaches the origin through them. */
async function deployEngine(local: LocalCloud, caFile: string, engine: Engine): Promise<[Setup, number]> {
  const { outputs } = await deployLayers(local, deploymentOf(engine));
  const started = performance.now();
  while (!(await reaches(local, outputs.l2JumpboxId!, origins.allowed.name))) {
    if (performance.now() - started > 180_000) {
      const fabric = local.fabric!;
      const rotation = proxyInstances(local, outputs, 'l4').map((id) =>
        fabric.inRotation(outputs.l4Frontend!, 443, id),
      );
      throw new Error(
        `the ${engine} layers never carried L2's traffic (L4 in rotation: ${rotation.join(', ')}; fabric errors: ${fabric.errors.join(' | ') || 'none'})`,
      );
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  return [{ local, outputs, caFile }, round((performance.now() - started) / 1000, 1)];
}

/**
 * Both engines deployed side by side in one local cloud (resource groups of their own, the same origins), so
 * every comparison is made on the same machine at the same time.
 */
export default async function layersBenchmark(): Promise<Record<string, number | string>> {
  if (process.getuid?.() !== 0)
    throw new Error('the layers benchmark needs root: the fabric creates network namespaces');
  const stateDir = mkdtempSync(join(tmpdir(), 'azpn-layers-bench-'));
  const local = await startLocalCloud({ stateDir, fabric: { internet: layersInternet } });
  try {
    await new LocalCloudAdmin(local.cloud).setLatencies({
      readMs: 0,
      writeMs: 0,
      longRunningMs: 0,
      tokenMs: 0,
    });
    const caFile = join(stateDir, 'public-ca.pem');
    writeFileSync(caFile, local.fabric!.publicCaPem);
    const figures: Record<string, number | string> = { cores: cpus().length };
    const setups = {} as Setups;
    for (const engine of engines) {
      const [setup, seconds] = await deployEngine(local, caFile, engine);
      setups[engine] = setup;
      figures[`${engine}.deployToFirstL2RequestSeconds`] = seconds;
    }
    Object.assign(
      figures,
      await handshakeFigures(setups),
      await throughputFigures(setups),
      await rateFigures(setups),
    );
    for (const engine of engines) Object.assign(figures, await memoryFigures(setups[engine], engine));
    for (const engine of engines) Object.assign(figures, await allowListFigures(setups[engine], engine));
    figures.handshakeRounds = handshakeRounds;
    figures.holdConnections = holdConnections;
    return figures;
  } finally {
    await local.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
