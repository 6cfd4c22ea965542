import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startLocalCloud } from './start-local-cloud.js';
import { loadScenarioFile } from './scenario/load-scenario.js';
import { loadOnPremFile } from './fabric/on-prem-file.js';
import { loadInternetFile } from './fabric/internet-file.js';
import type { CloudDescription } from './cloud-description.js';

const usage =
  'Usage: local-cloud up|down --state-dir DIR [--scenario FILE] [--port N] [--snapshot FILE] [--fabric [--on-prem FILE] [--internet FILE]]';

async function readDescription(stateDir: string): Promise<CloudDescription | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'cloud.json'), 'utf8')) as CloudDescription;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the cloud in this process until SIGTERM/SIGINT (the daemon `up` starts). */
async function serve(
  stateDir: string,
  scenarioFile: string | undefined,
  port: number,
  fabric: { on: boolean; onPremFile?: string; internetFile?: string },
  snapshotFile: string | undefined,
): Promise<void> {
  const scenario = scenarioFile === undefined ? undefined : await loadScenarioFile(scenarioFile);
  const onPrem = fabric.onPremFile === undefined ? undefined : await loadOnPremFile(fabric.onPremFile);
  const internet =
    fabric.internetFile === undefined ? undefined : await loadInternetFile(fabric.internetFile);
  const local = await startLocalCloud({
    scenario,
    port,
    stateDir,
    fabric: fabric.on ? { onPrem, internet } : undefined,
    snapshotFile,
  });
  const stop = () =>
    void local.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      },
    );
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Starts the cloud as a detached process, waits for its cloud.json, prints its endpoints. */
async function up(stateDir: string, args: string[]): Promise<void> {
  const running = await readDescription(stateDir);
  if (running !== undefined && alive(running.pid))
    throw new Error(
      `A local cloud (pid ${running.pid}) already runs for ${stateDir}; run 'local-cloud down --state-dir ${stateDir}' first.`,
    );
  await rm(join(stateDir, 'cloud.json'), { force: true });
  const bin = fileURLToPath(new URL('../bin/local-cloud.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  for (let waited = 0; waited < 30_000; waited += 100) {
    const cloud = await readDescription(stateDir);
    if (cloud !== undefined) {
      child.stderr.destroy();
      child.unref();
      process.stdout.write(
        `local cloud running (pid ${cloud.pid})\n  resourceManager ${cloud.resourceManager}\n  authorityHost   ${cloud.authorityHost}\n  metadata        ${cloud.metadataEndpoint}\n  admin           ${cloud.admin.endpoint}\n  caFile          ${cloud.caFile}\n  description     ${join(stateDir, 'cloud.json')}\n`,
      );
      return;
    }
    if (child.exitCode !== null)
      throw new Error(`The local cloud did not start: ${errors.trim() || `exit code ${child.exitCode}`}`);
    await sleep(100);
  }
  child.kill();
  throw new Error('The local cloud did not write cloud.json within 30 s.');
}

/** Stops the cloud of a state directory and removes its cloud.json. */
async function down(stateDir: string): Promise<void> {
  const cloud = await readDescription(stateDir);
  if (cloud === undefined) throw new Error(`No cloud.json in ${stateDir}; nothing to stop.`);
  if (alive(cloud.pid)) process.kill(cloud.pid, 'SIGTERM');
  for (let waited = 0; alive(cloud.pid) && waited < 10_000; waited += 100) await sleep(100);
  await rm(join(stateDir, 'cloud.json'), { force: true });
  process.stdout.write(`local cloud (pid ${cloud.pid}) stopped\n`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      scenario: { type: 'string' },
      port: { type: 'string' },
      fabric: { type: 'boolean' },
      'on-prem': { type: 'string' },
      internet: { type: 'string' },
      snapshot: { type: 'string' },
    },
  });
  const command = positionals[0];
  const stateDirValue = values['state-dir'];
  if (stateDirValue === undefined || !['up', 'down', 'serve'].includes(command ?? '')) throw new Error(usage);
  const stateDir = resolve(stateDirValue);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number (found '${values.port}').`);
  const scenario = values.scenario === undefined ? undefined : resolve(values.scenario);
  const onPremFile = values['on-prem'] === undefined ? undefined : resolve(values['on-prem']);
  if (onPremFile !== undefined && values.fabric !== true) throw new Error('--on-prem needs --fabric.');
  const internetFile = values.internet === undefined ? undefined : resolve(values.internet);
  if (internetFile !== undefined && values.fabric !== true) throw new Error('--internet needs --fabric.');
  const snapshotFile = values.snapshot === undefined ? undefined : resolve(values.snapshot);
  const forwarded = [
    '--state-dir',
    stateDir,
    ...(scenario ? ['--scenario', scenario] : []),
    '--port',
    String(port),
    ...(values.fabric === true ? ['--fabric'] : []),
    ...(onPremFile ? ['--on-prem', onPremFile] : []),
    ...(internetFile ? ['--internet', internetFile] : []),
    ...(snapshotFile ? ['--snapshot', snapshotFile] : []),
  ];
  if (command === 'serve')
    await serve(
      stateDir,
      scenario,
      port,
      { on: values.fabric === true, onPremFile, internetFile },
      snapshotFile,
    );
  else if (command === 'up') await up(stateDir, forwarded);
  else await down(stateDir);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
