import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalCloudAdmin, startLocalCloud, type LocalCloud, type OnPremSite } from '@azpn/local-cloud';
import {
  localCloudAgentSettings,
  localCloudGitHubSettings,
  pushEvent,
  runAzurePipeline,
  runGitHubWorkflow,
  scheduleEvent,
  type LocalCloudGitHubSettings,
  type GitHubEvent,
  type PipelineTrigger,
} from '@azpn/workflow-executor';
import { expectConclusion } from './run-report.js';

/**
 * The forwarder examples, executed: deploy.yml on a push to main and jumpbox-probe.yml on its schedule, against one
 * local cloud whose fabric carries the probes' packets to the on-premises servers that bicep/forwarder/main.bicepparam
 * names. One forwarder deployment serves them all. The drift examples (drift-check.yml, azure-pipelines-drift.yml)
 * need no fabric and run in drift-examples.e2e.test.ts.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'workflows-examples');
const onPrem: OnPremSite = {
  attachTo: 'vnet-hub-prod',
  prefixes: ['192.168.42.0/24'],
  servers: [
    { name: 'onprem-a', ip: '192.168.42.65', http: [{ port: 8000, reply: 'hello from onprem-a' }] },
    { name: 'onprem-b', ip: '192.168.42.66', http: [{ port: 8000, reply: 'hello from onprem-b' }] },
  ],
};

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let settings: LocalCloudGitHubSettings;
let deployed: Record<string, string>;

function run(file: string, event: GitHubEvent) {
  return runGitHubWorkflow({
    workflow: join(examples, file),
    workspace: root,
    event,
    ...settings,
    stepTimeoutMs: 300_000,
  });
}

const sampleToken = 'example-sample-token-6a1f';

function pipeline(trigger: PipelineTrigger) {
  return runAzurePipeline({
    pipeline: join(examples, 'azure-pipelines.yml'),
    workspace: root,
    trigger,
    parameters: { cloud: local.cloud.resourceManager },
    secretVariables: { sampleToken },
    ...localCloudAgentSettings(local, root),
    stepTimeoutMs: 300_000,
  });
}

function groupId(name: string): string {
  return `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${name}`;
}

async function boxState(id: string): Promise<string | undefined> {
  const group = (await admin.getResource(id)) as { properties?: { instanceView?: { state?: string } } };
  return group.properties?.instanceView?.state;
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-examples-e2e-'));
  local = await startLocalCloud({ stateDir, fabric: { onPrem: [onPrem] } });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  settings = localCloudGitHubSettings(local, root);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('workflows-examples/deploy.yml', () => {
  it('does not run for a push to another branch', async () => {
    const result = await run('deploy.yml', pushEvent({ branch: 'feature' }));
    expect([result.triggered, result.reason, result.jobs]).toEqual([
      false,
      'refs/heads/feature is filtered out',
      [],
    ]);
  });

  it('on a push to main deploys the forwarder as production, probes it and leaves the jump boxes stopped', async () => {
    const result = await run('deploy.yml', pushEvent({ branch: 'main' }));
    expectConclusion(result, 'success');
    expect(result.concurrency).toEqual({ group: 'deploy-forwarder', cancelInProgress: false });
    const job = result.job('deploy');
    expect(job.environment).toEqual({ name: 'production' });
    expect([job.token?.environment, job.token?.idToken, job.permissions['id-token']]).toEqual([
      'production',
      true,
      'write',
    ]);
    const [checkout, forwarder, verify, echo] = job.steps;
    expect(checkout!.kind).toBe('checkout');
    deployed = forwarder!.outputs;
    expect(deployed.privateEndpointIp).toMatch(/^10\.1\.0\.\d+$/);
    expect(deployed.recordFqdn).toBe('onprem-server.internal.net');
    expect([deployed.spokeJumpboxName, deployed.hubJumpboxName]).toEqual(['ci-spoke-prod', 'ci-hub-prod']);
    expect(forwarder!.summary).toContain('ci-spoke-prod');
    const results = JSON.parse(verify!.outputs.results!) as { name: string; passed: boolean }[];
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['on-prem through the forwarder', true],
      ['endpoint record', true],
      ['on-prem directly from the hub', true],
    ]);
    expect(echo!.log).toContain(
      `Private endpoint ${deployed.privateEndpointIp}\nRecord onprem-server.internal.net\n`,
    );
    const group = await admin.getResource(groupId('rg-forwarder'));
    expect(group.tags).toEqual({ environment: 'production', owner: 'platform-engineering' });
    expect(await boxState(deployed.spokeJumpboxId!)).toBe('Stopped');
    expect(await boxState(deployed.hubJumpboxId!)).toBe('Stopped');
  });
});

describe('workflows-examples/jumpbox-probe.yml', () => {
  it('on its schedule starts the stopped jump boxes, probes through the forwarder and stops them again', async () => {
    const result = await run('jumpbox-probe.yml', scheduleEvent('17 * * * *'));
    expectConclusion(result, 'success');
    const job = result.job('probe');
    const [, probe, echo] = job.steps;
    const results = JSON.parse(probe!.outputs.results!) as {
      name: string;
      passed: boolean;
      jumpBox: string;
    }[];
    expect(results.map((r) => [r.name, r.jumpBox, r.passed])).toEqual([
      ['on-prem through the forwarder', 'ci-spoke-prod', true],
      ['endpoint record', 'ci-spoke-prod', true],
      ['on-prem directly', 'ci-hub-prod', true],
    ]);
    const billable = JSON.parse(probe!.outputs['billable-seconds']!) as Record<string, number>;
    expect(Object.keys(billable).sort()).toEqual(['ci-hub-prod', 'ci-spoke-prod']);
    expect(echo!.log).toBe(`Billable seconds ${probe!.outputs['billable-seconds']}\n`);
    expect(job.postSteps.map((s) => [s.name, s.outcome])).toEqual([
      ['Post Run ./actions/jumpbox-probe', 'success'],
    ]);
    expect(job.postSteps[0]!.log).toContain('nothing to stop');
    expect(await boxState(deployed.spokeJumpboxId!)).toBe('Stopped');
    expect(await boxState(deployed.hubJumpboxId!)).toBe('Stopped');
  });
});

describe('workflows-examples/azure-pipelines.yml', () => {
  it('is not run by a push (trigger: none)', async () => {
    const result = await pipeline({ reason: 'IndividualCI', branch: 'refs/heads/main' });
    expect([result.triggered, result.reason, result.stages]).toEqual([
      false,
      'trigger: does not include main',
      [],
    ]);
  });

  it('queued by hand: greets with a masked token, redeploys, probes through the forwarder and stops every jump box', async () => {
    const result = await pipeline({ reason: 'Manual', branch: 'refs/heads/main' });
    const job = result.job('Job');
    const describe = job.steps.map(
      (s) => `${s.displayName}: ${s.result} ${s.errors.join(' ')}\n${s.log.slice(-800)}`,
    );
    expect([result.result, describe]).toEqual(['Succeeded', expect.any(Array)]);
    const [greet, echoGreeting, forwarder, echoEndpoint, probe, stop, echoResults] = job.steps;
    expect(greet!.outputs.greeting).toBe('1. Hello, octocat!\n2. Hello, octocat!');
    expect(echoGreeting!.log).toBe('1. Hello, octocat!\n2. Hello, octocat!\n');
    expect(job.log).not.toContain(sampleToken);
    expect(forwarder!.outputs.privateEndpointIp).toBe(deployed.privateEndpointIp);
    expect(echoEndpoint!.log).toBe(`${deployed.privateEndpointIp}\n`);
    expect(probe!.inputs!.jumpBoxes).toBe('ci-spoke-prod\nci-hub-prod\n');
    const results = JSON.parse(probe!.outputs.results!) as { name: string; passed: boolean }[];
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['on-prem through the forwarder', true],
      ['endpoint record', true],
      ['on-prem directly from the hub', true],
    ]);
    expect([stop!.displayName, stop!.result]).toEqual(['Stop the jump boxes', 'Succeeded']);
    expect(echoResults!.result).toBe('Succeeded');
    expect(job.postSteps.map((s) => [s.displayName, s.result])).toEqual([
      ['Post-job: Stop the jump boxes', 'Succeeded'],
      ['Post-job: AzpnJumpboxProbe@0', 'Succeeded'],
      ['Post-job: AzpnSample@0', 'Succeeded'],
    ]);
    expect(await boxState(deployed.spokeJumpboxId!)).toBe('Stopped');
    expect(await boxState(deployed.hubJumpboxId!)).toBe('Stopped');
  });
});
