/**
 * The main job's steps, run the way a workflow runs them: each action's committed bundle in a child process with
 * a runner's environment, signed in with the job's OIDC token through the cloud. `npm start` and the pipeline
 * benchmark both run it.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGitHubStep, type GitHubStepResult } from '@azpn/action-host';
import {
  defaultIds,
  LocalCloudAdmin,
  type LocalCloud,
  type OnPremSite,
  githubRunnerEnvironment,
} from '@azpn/local-cloud';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resourceGroup = 'rg-forwarder';
/** The name the seed's final check resolves; endpoint-dns publishes it for the private endpoint. */
const seedRecord = 'onprem-server';
/** The seed's two on-prem web servers, on a test range of our own, reached from the hub. */
export const onPrem: OnPremSite = {
  attachTo: 'vnet-hub-seed',
  prefixes: ['172.31.42.0/24'],
  servers: [
    { name: 'onprem-a', ip: '172.31.42.65', http: [{ port: 8000, reply: 'hello from onprem-a' }] },
    { name: 'onprem-b', ip: '172.31.42.66', http: [{ port: 8000, reply: 'hello from onprem-b' }] },
  ],
};

export interface StepReport {
  name: string;
  ok: boolean;
  skipped?: boolean;
  ms: number;
  detail: string;
}

export async function timed(name: string, body: () => Promise<string>): Promise<StepReport> {
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

export function runScript(script: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(`${script} succeeded`) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

/** Inputs and environment every azpn step of the job shares: the cloud, OIDC sign-in, the Bicep CLI. */
export function workflowStep(local: LocalCloud) {
  return {
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
    },
    env: {
      ...githubRunnerEnvironment(local.cloud),
      PATH: `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`,
    },
  };
}

/** Prints the step's log and throws with its errors when it failed. */
export function checked(step: GitHubStepResult, what: string): GitHubStepResult {
  process.stdout.write(step.log);
  if (step.failed) throw new Error(`${what} failed: ${step.errors.join(' ')}`);
  return step;
}

export async function deployForwarder(local: LocalCloud): Promise<Record<string, string>> {
  const shared = workflowStep(local);
  const admin = new LocalCloudAdmin(local.cloud);
  await admin.clearCalls();
  const step = checked(
    await runGitHubStep({
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

export async function publishEndpointRecord(
  local: LocalCloud,
  outputs: Record<string, string>,
): Promise<Record<string, string>> {
  const shared = workflowStep(local);
  const step = checked(
    await runGitHubStep({
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

export interface ProbeResult {
  name: string;
  jumpBox: string;
  passed: boolean;
  seconds?: number;
  reason?: string;
}

/** What the probe step and its post step reported. */
export interface ProbeReport {
  detail: string;
  results: ProbeResult[];
  billable: Record<string, number>;
}

export async function probeJumpBoxes(
  local: LocalCloud,
  outputs: Record<string, string>,
  fqdn: string,
): Promise<ProbeReport> {
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
  return runProbes(local, resourceGroup, [spoke, hub], probes);
}

/**
 * The jumpbox-probe step (`stop-after: all`, as the job stops the boxes the deployment started) and then its post
 * step, which runs however main ended; throws with every failed probe when one failed.
 */
export async function runProbes(
  local: LocalCloud,
  group: string,
  jumpBoxes: string[],
  probes: string,
): Promise<ProbeReport> {
  const shared = workflowStep(local);
  const actionDir = join(root, 'actions', 'jumpbox-probe');
  const main = await runGitHubStep({
    actionDir,
    inputs: {
      ...shared.inputs,
      'resource-group': group,
      'jump-boxes': jumpBoxes.join('\n'),
      probes,
      'retry-for': '120',
      'retry-delay': '1',
      // The deployment started the jump boxes; the job stops them all once verified.
      'stop-after': 'all',
    },
    env: shared.env,
  });
  process.stdout.write(main.log);
  const post = await runGitHubStep({
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
  return { detail, results, billable: JSON.parse(billable) as Record<string, number> };
}
