/**
 * `npm start`: the main job on the local cloud, run the way a workflow runs it. Each step reports its time; the
 * job fails when any step or probe fails, and everything is torn down on exit and on Ctrl-C.
 *
 *   1. compile and lint every Bicep template under bicep/;
 *   2. start the local cloud with the fabric (as root) and the seed's scenario: two on-prem servers on TCP 8000;
 *   3. deploy the forwarder with the deploy action's bundle (OIDC through the cloud's GitHub issuer);
 *   4. publish the private endpoint's address as `onprem-server.internal.net` with the endpoint-dns bundle;
 *   5. probe from the jump boxes with the jumpbox-probe bundle: the seed's `curl http://onprem-server.internal.net:8000`
 *      from the spoke (through the private endpoint, the load balancer and a forwarder instance), the record,
 *      and the on-prem servers directly from the hub; then its post step, which stops the jump boxes.
 * Without root the fabric cannot run: the control-plane steps run and the probes are skipped, said in one line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGithubStep, type GithubStepResult } from '@azpn/action-host';
import { formatElapsed } from '@azpn/core';
import {
  defaultIds,
  LocalCloudAdmin,
  startLocalCloud,
  type LocalCloud,
  type OnPremSite,
} from '@azpn/local-cloud';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resourceGroup = 'rg-forwarder';
/** The name the seed's final check resolves; endpoint-dns publishes it for the private endpoint. */
const seedRecord = 'onprem-server';
/** The seed's two on-prem web servers, on a test range of our own, reached from the hub. */
const onPrem: OnPremSite = {
  attachTo: 'vnet-hub-seed',
  prefixes: ['172.31.42.0/24'],
  servers: [
    { name: 'onprem-a', ip: '172.31.42.65', http: [{ port: 8000, reply: 'hello from onprem-a' }] },
    { name: 'onprem-b', ip: '172.31.42.66', http: [{ port: 8000, reply: 'hello from onprem-b' }] },
  ],
};

interface StepReport {
  name: string;
  ok: boolean;
  skipped?: boolean;
  ms: number;
  detail: string;
}

async function timed(name: string, body: () => Promise<string>): Promise<StepReport> {
  const started = performance.now();
  console.log(`\n== ${name}`);
  try {
    const detail = await body();
    return { name, ok: true, ms: performance.now() - started, detail };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { name, ok: false, ms: performance.now() - started, detail };
  }
}

function runScript(script: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(`${script} succeeded`) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

/** Inputs and environment every azpn step of the job shares: the cloud, OIDC sign-in, the Bicep CLI. */
function workflowStep(local: LocalCloud) {
  const job = local.cloud.github.jobs.find((j) => j.name === 'main')!;
  return {
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
    },
    env: {
      NODE_EXTRA_CA_CERTS: local.cloud.caFile,
      ACTIONS_ID_TOKEN_REQUEST_URL: job.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: job.requestToken,
      PATH: `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`,
    },
  };
}

function checked(step: GithubStepResult, what: string): GithubStepResult {
  process.stdout.write(step.log);
  if (step.failed) throw new Error(`${what} failed: ${step.errors.join(' ')}`);
  return step;
}

async function deployForwarder(local: LocalCloud): Promise<Record<string, string>> {
  const shared = workflowStep(local);
  const admin = new LocalCloudAdmin(local.cloud);
  await admin.clearCalls();
  const step = checked(
    await runGithubStep({
      actionDir: join(root, 'actions', 'deploy'),
      inputs: {
        ...shared.inputs,
        template: join(root, 'bicep', 'forwarder', 'main.bicepparam'),
        // The module's own record gets another name: the seed's name resolves only once endpoint-dns publishes it.
        'parameter-overrides': [
          'name: seed',
          `targets: [${onPrem.servers.map((s) => s.ip).join(', ')}]`,
          'recordName: forwarder',
        ].join('\n'),
        'resource-group': resourceGroup,
        location: 'westeurope',
        'deployment-name': 'forwarder',
      },
      env: shared.env,
    }),
    'deploy',
  );
  const calls = (await admin.calls()).filter(
    (c) => c.operation !== 'token' && !c.path.startsWith('/metadata'),
  );
  step.outputs['arm-calls'] = String(calls.filter((c) => !c.path.startsWith('/github')).length);
  step.outputs['summary-file'] = join(step.workDir, 'main-summary.md');
  return step.outputs;
}

async function publishEndpointRecord(
  local: LocalCloud,
  outputs: Record<string, string>,
): Promise<Record<string, string>> {
  const shared = workflowStep(local);
  const step = checked(
    await runGithubStep({
      actionDir: join(root, 'actions', 'endpoint-dns'),
      inputs: {
        ...shared.inputs,
        'private-endpoint': outputs.privateEndpointId!,
        zone: outputs.dnsZoneId!,
        'record-names': seedRecord,
        ttl: '10',
      },
      env: shared.env,
    }),
    'endpoint-dns',
  );
  return step.outputs;
}

interface ProbeResult {
  name: string;
  passed: boolean;
  seconds?: number;
  reason?: string;
}

async function probeJumpBoxes(
  local: LocalCloud,
  outputs: Record<string, string>,
  fqdn: string,
): Promise<string> {
  const shared = workflowStep(local);
  const actionDir = join(root, 'actions', 'jumpbox-probe');
  const spoke = outputs.spokeJumpboxName!;
  const hub = outputs.hubJumpboxName!;
  const probes = [
    `- name: seed check - on-prem through the forwarder`,
    `  jump-box: ${spoke}`,
    `  http: http://${fqdn}:8000`,
    `  status: 200`,
    `  body: hello from onprem`,
    `- name: endpoint record`,
    `  jump-box: ${spoke}`,
    `  dns: ${fqdn}`,
    `  ip: ${outputs.privateEndpointIp}`,
    `- name: the load balancer frontend from the hub`,
    `  jump-box: ${hub}`,
    `  http: http://${outputs.ilbFrontendIp}:8000`,
    `  status: 200`,
    `  body: hello from onprem`,
    ...onPrem.servers.flatMap((server) => [
      `- name: ${server.name} directly from the hub`,
      `  jump-box: ${hub}`,
      `  tcp: ${server.ip}:8000`,
    ]),
  ].join('\n');
  const main = await runGithubStep({
    actionDir,
    inputs: {
      ...shared.inputs,
      'resource-group': resourceGroup,
      'jump-boxes': `${spoke}\n${hub}`,
      probes,
      'retry-for': '120',
      'retry-delay': '1',
      // The deployment started the jump boxes; the job stops them all once verified.
      'stop-after': 'all',
    },
    env: shared.env,
  });
  process.stdout.write(main.log);
  // The post step runs however main ended, as the runner runs it: it stops whatever main left running.
  const post = await runGithubStep({
    actionDir,
    stage: 'post',
    state: main.state,
    workDir: main.workDir,
    env: shared.env,
  });
  process.stdout.write(post.log);
  const results = JSON.parse(main.outputs.results ?? '[]') as ProbeResult[];
  const lines = results.map(
    (r) =>
      `${r.passed ? 'pass' : 'FAIL'} ${r.name}${r.seconds === undefined ? '' : ` (${r.seconds}s)`}${r.passed ? '' : `: ${r.reason ?? ''}`}`,
  );
  const billable = main.outputs['billable-seconds'] ?? post.outputs['billable-seconds'] ?? '{}';
  const detail = [
    ...lines,
    `billable seconds ${billable}`,
    `job summary in ${join(main.workDir, 'main-summary.md')}`,
  ].join('\n      ');
  if (main.failed || post.failed || results.length === 0 || !results.every((r) => r.passed)) {
    throw new Error([...main.errors, ...post.errors].join(' ') + `\n      ${detail}`);
  }
  return detail;
}

const isRoot = process.getuid?.() === 0;
const stateDir = mkdtempSync(join(tmpdir(), 'azpn-start-'));
let local: LocalCloud | undefined;
const shutdown = async () => {
  await local?.stop();
  local = undefined;
  rmSync(stateDir, { recursive: true, force: true });
};
process.once('SIGINT', () => void shutdown().finally(() => process.kill(process.pid, 'SIGINT')));

const steps: StepReport[] = [];
try {
  steps.push(
    await timed('Compile and lint every Bicep template (bicep build, bicep lint)', () =>
      runScript('scripts/build-bicep.ts'),
    ),
  );
  steps.push(
    await timed(
      `Start the local cloud${isRoot ? ' with the fabric and two on-prem servers' : ''}`,
      async () => {
        local = await startLocalCloud({ stateDir, ...(isRoot ? { fabric: { onPrem: [onPrem] } } : {}) });
        return `resource manager ${local.cloud.resourceManager}, subscription ${local.cloud.subscriptionId}`;
      },
    ),
  );
  const cloud = local;
  let outputs: Record<string, string> | undefined;
  if (cloud) {
    steps.push(
      await timed('Deploy the forwarder with the deploy action (GitHub runner, OIDC sign-in)', async () => {
        outputs = await deployForwarder(cloud);
        return [
          `private endpoint ${outputs.privateEndpointIp}, record ${outputs.recordFqdn}, load balancer ${outputs.ilbFrontendIp}`,
          `${outputs['arm-calls']} ARM calls; job summary in ${outputs['summary-file']}`,
        ].join('\n      ');
      }),
    );
  }
  const deployed = outputs;
  let fqdn: string | undefined;
  if (cloud && deployed) {
    steps.push(
      await timed('Publish the private endpoint as a DNS record with the endpoint-dns action', async () => {
        const published = await publishEndpointRecord(cloud, deployed);
        fqdn = (published.fqdns ?? '').split(',')[0]!.replace(/\.$/, '');
        return `${published.fqdns} -> ${published.ips} (changed: ${published.changed})`;
      }),
    );
  }
  const seedName = fqdn;
  if (cloud && deployed && seedName && isRoot) {
    steps.push(
      await timed(
        'Probe from the jump boxes with the jumpbox-probe action, then its post step stops them',
        () => probeJumpBoxes(cloud, deployed, seedName),
      ),
    );
  } else if (cloud && seedName) {
    const reason =
      'The probes need root: the fabric creates network namespaces; run npm start as root to send real traffic.';
    console.log(`\n== Probes skipped\n${reason}`);
    steps.push({ name: 'Probe from the jump boxes', ok: true, skipped: true, ms: 0, detail: reason });
  }
} finally {
  await shutdown();
}

console.log('\n== Summary');
for (const step of steps) {
  const mark = step.skipped ? 'skip' : step.ok ? 'ok  ' : 'FAIL';
  console.log(`${mark} ${formatElapsed(step.ms).padStart(7)}  ${step.name}\n      ${step.detail}`);
}
process.exitCode = steps.every((s) => s.ok) ? 0 : 1;
