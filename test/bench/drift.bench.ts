/**
 * The drift check's benchmark (`npm run bench -- drift`): the drift-check bundle, as a GitHub runner starts it, checks
 * 50 environments (50 forwarders, each in its own resource group, 10 of them drifted out of band) in one run against
 * the local cloud with ARM's throttle at its documented sizes and emulated latencies, then runs again with nothing
 * changed. Figures, measured in this one run:
 *
 * - `throttledResponses` and `failedEnvironments`: 429s ARM answered and environments the run could not check.
 *   Goal: no failure (a 429 the client waited out is not one).
 * - `wallSeconds`, `secondsPerEnvironment` and `fiftyOverOne`: the 50-environment run's wall time, per environment,
 *   and over a one-environment run's (what checking eight at a time saves).
 * - `armCallsPerEnvironment`, `armReadsPerEnvironment`, `armWritesPerEnvironment`: ARM calls of the 50-environment
 *   run (sign-in and metadata included), per environment.
 * - `issuesOpened`, `issueCallsSecondRun`, `issueWritesSecondRun`: GitHub stand-in calls; the second run finds the
 *   same drift and writes nothing.
 *
 * ARM's limits (Microsoft Learn, "Understand how Azure Resource Manager throttles requests", token bucket since
 * 2024): per subscription and principal, reads 250 with 25 a second, writes 200 with 10 a second, deletes 200 with
 * 10 a second (a drift check deletes nothing; the local cloud's throttle has a read and a write bucket).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { runGitHubStep } from '@azpn/action-host';
import { compileParams } from '@azpn/bicep';
import {
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const template = 'bicep/forwarder/main.bicepparam';
const environments = 50;
const drifted = 10;
/** ARM's documented buckets (per subscription and principal). */
const armThrottle = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
};
/** Emulated latencies: scaled-down Azure figures (what-if, a long-running operation, takes seconds there). */
const latencies = { readMs: 60, writeMs: 150, longRunningMs: 3000, tokenMs: 120 };

const name = (i: number) => `env${String(i).padStart(2, '0')}`;

/** Deploys the forwarder to `rg-<env>` for every environment, as fast as the cloud goes (not measured). */
async function deployAll(local: LocalCloud): Promise<void> {
  const { credential, options } = cloudSdkAccess(local.cloud);
  const groups = new ResourceManagementClient(credential, local.cloud.subscriptionId, options).resourceGroups;
  const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  const built = await compileParams(join(root, template));
  const values = (built.parameters.parameters ?? {}) as Record<string, { value: unknown }>;
  for (let i = 0; i < environments; i++) {
    const parameters = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v.value }]));
    parameters.name = { value: name(i) };
    await groups.createOrUpdate(`rg-${name(i)}`, { location: 'westeurope' });
    const properties = { template: built.template!, parameters, mode: 'Incremental' as const };
    await deployments.deployments.createOrUpdate(`rg-${name(i)}`, 'forwarder', { properties });
  }
}

function environmentList(count: number): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `- name: ${name(i)}\n  resource-group: rg-${name(i)}\n  template: ${template}\n  parameter-overrides: { name: ${name(i)} }`,
  ).join('\n');
}

async function driftCheck(local: LocalCloud, admin: LocalCloudAdmin, count: number) {
  const minted = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: 'azpn/infra',
    permissions: { issues: 'write', contents: 'read' },
  })) as { token: string };
  const apiUrl = local.cloud.services['github-api']!.apiUrl as string;
  await admin.clearCalls();
  const started = performance.now();
  const step = await runGitHubStep({
    actionDir: join(root, 'actions', 'drift-check'),
    workspace: root,
    inputs: {
      environments: environmentList(count),
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      'github-token': minted.token,
    },
    env: {
      ...githubRunnerEnvironment(local.cloud, 'main'),
      PATH: `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`,
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: 'azpn/infra',
    },
    timeoutMs: 600_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const calls = await admin.calls();
  if (step.exitCode !== 0) throw new Error(`drift-check failed: ${step.errors.join(' ')}`);
  const arm = calls.filter((c) => c.path.startsWith('/subscriptions/'));
  const github = calls.filter((c) => c.path.startsWith('/api/v3/'));
  const results = JSON.parse(step.outputs.results ?? '[]') as { issue: string }[];
  return {
    seconds,
    arm,
    github,
    throttled: calls.filter((c) => c.status === 429).length,
    failed: count - results.length,
    opened: results.filter((r) => r.issue === 'opened').length,
  };
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export default async function driftBenchmark(): Promise<Record<string, number>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'azpn-bench-drift-'));
  const local = await startLocalCloud({ stateDir });
  try {
    trustCloudCa(local.cloud.caPem);
    const admin = new LocalCloudAdmin(local.cloud);
    await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
    await admin.setThrottle({
      reads: { capacity: 1e6, refillPerSecond: 1e6 },
      writes: { capacity: 1e6, refillPerSecond: 1e6 },
    });
    await deployAll(local);
    // The last ten drift; the one-environment run checks env00, which is clean.
    for (let i = environments - drifted; i < environments; i++) {
      const nat = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-${name(i)}/providers/Microsoft.Network/natGateways/ng-${name(i)}`;
      await admin.patchResource(nat, { properties: { idleTimeoutInMinutes: i } });
    }
    await admin.setLatencies(latencies);
    // Full buckets at ARM's sizes for each measured run.
    await admin.setThrottle(armThrottle);
    const one = await driftCheck(local, admin, 1);
    await admin.setThrottle(armThrottle);
    const all = await driftCheck(local, admin, environments);
    await admin.setThrottle(armThrottle);
    const again = await driftCheck(local, admin, environments);
    const writes = (calls: typeof all.arm) => calls.filter((c) => c.method !== 'GET').length;
    return {
      environments,
      driftedEnvironments: drifted,
      throttledResponses: all.throttled + again.throttled,
      failedEnvironments: all.failed + again.failed,
      wallSeconds: round(all.seconds),
      secondsPerEnvironment: round(all.seconds / environments),
      oneEnvironmentSeconds: round(one.seconds),
      fiftyOverOne: round(all.seconds / one.seconds),
      armCallsPerEnvironment: round(all.arm.length / environments),
      armReadsPerEnvironment: round((all.arm.length - writes(all.arm)) / environments),
      armWritesPerEnvironment: round(writes(all.arm) / environments),
      issuesOpened: all.opened,
      issueCallsFirstRun: all.github.length,
      issueCallsSecondRun: again.github.length,
      issueWritesSecondRun: writes(again.github),
      latencyReadMs: latencies.readMs,
      latencyWriteMs: latencies.writeMs,
      latencyLongRunningMs: latencies.longRunningMs,
    };
  } finally {
    await local.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
