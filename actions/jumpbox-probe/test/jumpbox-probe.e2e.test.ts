import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import {
  parseFileCommands,
  runAzureDevOpsTask,
  startAzureDevOpsTask,
  type AzureDevOpsTaskOptions,
  runGitHubStep,
  startGitHubStep,
  type GitHubStepResult,
} from '@azpn/action-host';
import {
  defaultIds,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
  azureDevOpsAgentEnvironment,
  githubRunnerEnvironment,
} from '@azpn/local-cloud';

// The committed bundles, run as the GitHub runner and the Azure DevOps agent run them, against the local
// cloud. Without the fabric, the cloud runs exec commands on this host, so probes reach 127.0.0.1.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resourceGroup = 'rg-jump';
/** A second subscription of the same tenant, holding one jump box in `otherGroup`. */
const other = '4f5e6d7c-8b9a-4c0d-9e1f-2a3b4c5d6e7f';
const otherGroup = 'rg-jump-other';

let local: LocalCloud;
let stateDir: string;
let aci: ContainerInstanceManagementClient;
let otherAci: ContainerInstanceManagementClient;
let web: Server;
let webUrl: string;
let flakyAnswers = 0;

function githubInputs(inputs: Record<string, string>): Record<string, string> {
  return {
    cloud: local.cloud.resourceManager,
    'tenant-id': local.cloud.tenantId,
    'client-id': defaultIds.deployerClientId,
    'subscription-id': local.cloud.subscriptionId,
    'resource-group': resourceGroup,
    ...inputs,
  };
}

function githubEnv() {
  return { ...githubRunnerEnvironment(local.cloud), PATH: process.env.PATH };
}

async function createStoppedGroup(name: string, client = aci, group = resourceGroup): Promise<void> {
  await client.containerGroups.beginCreateOrUpdateAndWait(group, name, {
    location: 'westeurope',
    osType: 'Linux',
    containers: [
      {
        name: 'shell',
        image: 'mcr.microsoft.com/azure-cli:latest',
        command: ['sleep', 'infinity'],
        resources: { requests: { cpu: 1, memoryInGB: 1 } },
      },
    ],
  });
  await client.containerGroups.stop(group, name);
}

async function states(): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for await (const group of aci.containerGroups.listByResourceGroup(resourceGroup)) {
    const full = await aci.containerGroups.get(resourceGroup, group.name!);
    result[group.name!] = full.instanceView?.state ?? 'Unknown';
  }
  return result;
}

/** The container groups still running anywhere in the local cloud (both subscriptions), by name. */
async function runningGroups(): Promise<string[]> {
  const running: string[] = [];
  for (const client of [aci, otherAci])
    for await (const listed of client.containerGroups.list()) {
      const group = listed.id!.split('/')[4]!;
      const full = await client.containerGroups.get(group, listed.name!);
      if (full.instanceView?.state === 'Running') running.push(listed.name!);
    }
  return running.sort();
}

/** Everything the runner would show or keep: the log, outputs, state and summary, with add-mask lines removed. */
function everythingWritten(step: GitHubStepResult): string {
  const stdout = step.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, step.stderr, step.summary, JSON.stringify(step.outputs), JSON.stringify(step.state)].join(
    '\n',
  );
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-jumpbox-e2e-'));
  const scenario = defaultScenario();
  scenario.tenants[0]!.subscriptions.push({ id: other, displayName: 'other' });
  local = await startLocalCloud({ stateDir, scenario });
  await new LocalCloudAdmin(local.cloud).setLatencies({
    readMs: 0,
    writeMs: 0,
    longRunningMs: 0,
    tokenMs: 0,
  });
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
  const { ResourceManagementClient } = await import('@azure/arm-resources');
  for (const [subscription, group] of [
    [local.cloud.subscriptionId, resourceGroup],
    [other, otherGroup],
  ] as const)
    await new ResourceManagementClient(credential, subscription, options).resourceGroups.createOrUpdate(
      group,
      { location: 'westeurope' },
    );
  aci = new ContainerInstanceManagementClient(credential, local.cloud.subscriptionId, options);
  otherAci = new ContainerInstanceManagementClient(credential, other, options);
  await Promise.all(['jb-a', 'jb-b', 'jb-c'].map((name) => createStoppedGroup(name)));
  await createStoppedGroup('jb-other', otherAci, otherGroup);
  // A service that answers 503 twice, then 200: a forwarder whose health probe is still going green.
  web = createServer((request, response) => {
    if (request.url === '/flaky' && flakyAnswers++ < 2) {
      response.writeHead(503).end('warming up');
      return;
    }
    response.writeHead(200).end('onprem server says healthy');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => web?.close(resolve));
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('jumpbox-probe on the GitHub runner', () => {
  it('starts both boxes, passes, fails with the output tail, retries until success, stops and bills', async () => {
    expect(await states()).toEqual({ 'jb-a': 'Stopped', 'jb-b': 'Stopped', 'jb-c': 'Stopped' });
    const probes = [
      `- name: web\n  jump-box: jb-a\n  http: ${webUrl}/\n  body: says healthy`,
      `- name: warming\n  jump-box: jb-b\n  http: ${webUrl}/flaky`,
      `- name: broken\n  jump-box: jb-b\n  command: "echo first-line; echo the-tail-line >&2; exit 3"`,
      `- name: localhost\n  jump-box: jb-a\n  dns: localhost\n  ip: 127.0.0.1`,
    ].join('\n');
    const step = await runGitHubStep({
      actionDir,
      inputs: githubInputs({ 'jump-boxes': 'jb-a\njb-b', probes, 'retry-for': '15', 'retry-delay': '1' }),
      env: githubEnv(),
      timeoutMs: 90_000,
    });
    expect(step.errors).toEqual([expect.stringMatching(/^1 of 4 probes failed: broken \(exit status 3\)\./)]);
    expect(step.exitCode).toBe(1);
    const results = JSON.parse(step.outputs.results!) as {
      name: string;
      passed: boolean;
      attempts: number;
    }[];
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName.web).toMatchObject({ passed: true, attempts: 1 });
    expect(byName.localhost).toMatchObject({ passed: true });
    expect(byName.warming).toMatchObject({ passed: true, attempts: 3 });
    expect(byName.broken!.passed).toBe(false);
    expect(step.outputs.passed).toBe('false');
    expect(step.summary).toMatch(
      /\| broken \| jb-b \| ❌ failed: exit status 3 \| \d+ \| [\d.]+ \| first-line<br>the-tail-line \|/,
    );
    expect(step.summary).toMatch(/\| web \| jb-a \| ✅ passed: HTTP 200 \| 1 \|/);
    expect(step.log).toContain('[warming] attempt 1 on jb-b: failed (HTTP 503, expected 200)');
    // Output is logged line by line as it streams, without the status marker.
    expect(step.log).toContain('[broken] the-tail-line\n');
    expect(step.log).not.toMatch(/azpn-status-/);
    const billable = JSON.parse(step.outputs['billable-seconds']!) as Record<string, number>;
    expect(Object.keys(billable).sort()).toEqual(['jb-a', 'jb-b']);
    for (const seconds of Object.values(billable)) expect(seconds).toBeGreaterThan(0);
    expect(step.summary).toMatch(/\| jb-a \| yes \| [\d.]+ \|/);
    // Main stopped what it started, and left the post step nothing to do.
    expect(await states()).toEqual({ 'jb-a': 'Stopped', 'jb-b': 'Stopped', 'jb-c': 'Stopped' });
    expect(JSON.parse(step.state['jump-boxes-to-stop']!)).toEqual([]);
    const post = await runGitHubStep({
      actionDir,
      stage: 'post',
      state: step.state,
      inputs: githubInputs({ 'jump-boxes': 'jb-a\njb-b' }),
      env: githubEnv(),
    });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain('nothing to stop');
    // Every exec session's password was masked, and none appears anywhere the runner keeps.
    expect(step.masks.length).toBeGreaterThanOrEqual(6);
    const written = everythingWritten(step);
    for (const password of step.masks) expect(written).not.toContain(password);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'main killed mid-probe by %s: the post step stops every group it had started',
    async (signal) => {
      const workDir = mkdtempSync(join(tmpdir(), 'azpn-jumpbox-kill-'));
      const inputs = githubInputs({
        'jump-boxes': 'jb-a\njb-c',
        probes:
          '- name: slow-a\n  jump-box: jb-a\n  command: sleep 5\n- name: slow-c\n  jump-box: jb-c\n  command: sleep 5',
      });
      const main = startGitHubStep({ actionDir, inputs, env: githubEnv(), workDir, timeoutMs: 60_000 });
      for (let i = 0; i < 100; i++) {
        const now = await states();
        if (now['jb-a'] === 'Running' && now['jb-c'] === 'Running') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      main.child.kill(signal);
      const killed = await main.finish();
      expect(killed.signal).toBe(signal);
      expect(await states()).toMatchObject({ 'jb-a': 'Running', 'jb-c': 'Running' });
      const state = parseFileCommands(readFileSync(join(workDir, 'main-state'), 'utf8'));
      const post = await runGitHubStep({
        actionDir,
        stage: 'post',
        state,
        inputs,
        env: githubEnv(),
        workDir,
      });
      expect(post.errors).toEqual([]);
      expect(post.summary).toMatch(/\| jb-a \| yes \| [\d.]+ \|/);
      expect(post.summary).toMatch(/\| jb-c \| yes \| [\d.]+ \|/);
      expect(Object.values(await states()).filter((s) => s === 'Running')).toEqual([]);
      rmSync(workDir, { recursive: true, force: true });
    },
  );

  it('a start failure on one group fails its probe, and the others are still stopped', async () => {
    const admin = new LocalCloudAdmin(local.cloud);
    await admin.addFault({
      method: 'POST',
      pathPattern: 'containerGroups/jb-c/start$',
      status: 500,
      count: 10,
    });
    const step = await runGitHubStep({
      actionDir,
      inputs: githubInputs({
        'jump-boxes': 'jb-a\njb-b\njb-c\njb-missing',
        probes: ['jb-a', 'jb-b', 'jb-c', 'jb-missing']
          .map((box) => `- name: on-${box}\n  jump-box: ${box}\n  command: "true"`)
          .join('\n'),
      }),
      env: githubEnv(),
      timeoutMs: 60_000,
    });
    expect(step.exitCode).toBe(1);
    expect(step.errors[0]).toMatch(
      /^2 of 4 probes failed: on-jb-c \(jb-c did not start: .*\), on-jb-missing \(jb-missing did not start: /,
    );
    const results = JSON.parse(step.outputs.results!) as { name: string; passed: boolean }[];
    expect(results.filter((r) => r.passed).map((r) => r.name)).toEqual(['on-jb-a', 'on-jb-b']);
    expect(Object.values(await states()).filter((s) => s === 'Running')).toEqual([]);
    await admin.clearFaults();
  });

  it('stop-after all bills a box that was already running from the start ACI reports', async () => {
    const createdAt = Date.now();
    await createStoppedGroup('jb-early');
    await aci.containerGroups.beginStartAndWait(resourceGroup, 'jb-early');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const step = await runGitHubStep({
      actionDir,
      inputs: githubInputs({
        'jump-boxes': 'jb-early',
        probes: '- name: ready\n  jump-box: jb-early\n  command: "true"',
        'stop-after': 'all',
      }),
      env: githubEnv(),
      timeoutMs: 60_000,
    });
    const elapsed = (Date.now() - createdAt) / 1000;
    expect(step.errors).toEqual([]);
    expect(step.stdout).toContain('jb-early is already running.');
    const billable = JSON.parse(step.outputs['billable-seconds']!) as Record<string, number>;
    // Not from the step's own start: the 1.5 s the box ran before the step count too.
    expect(billable['jb-early']).toBeGreaterThanOrEqual(1.5);
    expect(billable['jb-early']).toBeLessThanOrEqual(elapsed + 0.2);
    expect((await states())['jb-early']).toBe('Stopped');
  });
});

describe('jumpbox-probe across subscriptions', () => {
  it('starts, probes and stops a box whose id names another subscription, all in that subscription', async () => {
    const admin = new LocalCloudAdmin(local.cloud);
    const id = `/subscriptions/${other}/resourceGroups/${otherGroup}/providers/Microsoft.ContainerInstance/containerGroups/jb-other`;
    await admin.clearCalls();
    const step = await runGitHubStep({
      actionDir,
      inputs: githubInputs({ 'jump-boxes': id, probes: '- name: there\n  command: "true"' }),
      env: githubEnv(),
      timeoutMs: 60_000,
    });
    expect(step.errors).toEqual([]);
    expect(JSON.parse(step.outputs.results!)).toMatchObject([
      { name: 'there', jumpBox: 'jb-other', passed: true },
    ]);
    expect(Object.keys(JSON.parse(step.outputs['billable-seconds']!))).toEqual(['jb-other']);
    expect((await otherAci.containerGroups.get(otherGroup, 'jb-other')).instanceView?.state).toBe('Stopped');
    const groupCalls = (await admin.calls()).filter((c) => /\/containerGroups\//i.test(c.path));
    const actions = new Set(groupCalls.map((c) => c.path.split('?')[0]!.split('/').pop()!.toLowerCase()));
    expect([...actions]).toEqual(expect.arrayContaining(['jb-other', 'start', 'exec', 'stop']));
    expect(new Set(groupCalls.map((c) => c.path.split('/')[2]))).toEqual(new Set([other]));
  });
});

describe('jumpbox-probe on the Azure DevOps agent', () => {
  function taskOptions(inputs: Record<string, string>): AzureDevOpsTaskOptions {
    const agent = azureDevOpsAgentEnvironment(local.cloud);
    return {
      taskDir: actionDir,
      inputs: {
        azureSubscription: agent.connectionId,
        cloud: local.cloud.resourceManager,
        resourceGroup,
        jumpBoxes: 'jb-b',
        ...inputs,
      },
      endpoints: agent.endpoints,
      variables: agent.variables,
      secretVariables: agent.secretVariables,
      timeoutMs: 60_000,
    };
  }
  const task = (inputs: Record<string, string>) => runAzureDevOpsTask(taskOptions(inputs));

  it('probes with the stop left to the companion run, which stops the group and bills it', async () => {
    const admin = new LocalCloudAdmin(local.cloud);
    await admin.clearCalls();
    const probe = await task({ probes: `- name: web\n  http: ${webUrl}/\n`, stopAfter: 'false' });
    const execs = (await admin.calls()).filter((c) => /\/containers\/[^/]+\/exec$/i.test(c.path));
    expect(probe.errors).toEqual([]);
    expect(probe.result).toBe('Succeeded');
    expect(probe.outputs.passed?.value).toBe('true');
    expect((await states())['jb-b']).toBe('Running');
    const started = probe.outputs.startedGroups?.value ?? '';
    // stop-after false records nothing; the companion is told to stop every listed box instead.
    const stop = await task({ mode: 'stop', stopAfter: 'all', startedGroups: started });
    expect(stop.errors).toEqual([]);
    expect(stop.result).toBe('Succeeded');
    expect((await states())['jb-b']).toBe('Stopped');
    expect(stop.summaries.join('')).toContain('| jb-b | yes |');
    // Each exec session's password was registered as a secret, and is absent from the raw output (not the
    // harness's masked log), the summaries and the outputs.
    const registered = new Set(
      probe.commands.filter((c) => c.command === 'task.setsecret').map((c) => c.message),
    );
    expect(execs.length).toBeGreaterThanOrEqual(1);
    expect(registered.size).toBeGreaterThanOrEqual(execs.length);
    const raw = [
      probe.stdout
        .split('\n')
        .filter((line) => !line.startsWith('##vso[task.setsecret]'))
        .join('\n'),
      probe.stderr,
      ...probe.summaries,
      JSON.stringify(probe.outputs),
    ].join('\n');
    for (const secret of registered) expect(raw).not.toContain(secret);
  });

  it('the companion stops exactly what a killed probe run recorded, with billable seconds', async () => {
    const probe = startAzureDevOpsTask(taskOptions({ probes: '- name: slow\n  command: sleep 5\n' }));
    for (let i = 0; i < 100 && (await states())['jb-b'] !== 'Running'; i++)
      await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    probe.child.kill('SIGKILL');
    const killed = await probe.finish();
    expect((await states())['jb-b']).toBe('Running');
    const started = killed.outputs.startedGroups!.value;
    expect(JSON.parse(started)).toEqual([
      { id: expect.stringMatching(/\/containerGroups\/jb-b$/), startedAt: expect.any(Number) },
    ]);
    const stop = await runAzureDevOpsTask(taskOptions({ mode: 'stop', startedGroups: started }));
    expect(stop.errors).toEqual([]);
    expect((await states())['jb-b']).toBe('Stopped');
    expect(JSON.parse(stop.outputs.billableSeconds!.value)['jb-b']).toBeGreaterThan(1);
    // Unexpanded (the probe task never ran): nothing recorded, nothing stopped.
    const idle = await runAzureDevOpsTask(
      taskOptions({ mode: 'stop', startedGroups: '$(probe.startedGroups)' }),
    );
    expect(idle.result).toBe('Succeeded');
    expect(idle.log).toContain('nothing to stop');
  });

  it('the post-job entry stops every group a killed probe run left in its task variables', async () => {
    const inputs = {
      jumpBoxes: 'jb-a\njb-c',
      probes:
        '- name: slow-a\n  jump-box: jb-a\n  command: sleep 5\n- name: slow-c\n  jump-box: jb-c\n  command: sleep 5',
    };
    expect(await runningGroups()).toEqual([]);
    const probe = startAzureDevOpsTask(taskOptions(inputs));
    for (let i = 0; i < 100 && (await runningGroups()).length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    probe.child.kill('SIGKILL');
    const killed = await probe.finish();
    expect(killed.signal).toBe('SIGKILL');
    expect(await runningGroups()).toEqual(['jb-a', 'jb-c']);
    // The agent hands the post-job entry what the main entry set with task.settaskvariable.
    const recorded = JSON.parse(killed.taskVariables['jump-boxes-to-stop']!) as { id: string }[];
    expect(recorded.map((t) => t.id.split('/').pop()).sort()).toEqual(['jb-a', 'jb-c']);
    const post = await runAzureDevOpsTask({
      ...taskOptions(inputs),
      stage: 'post',
      taskVariables: killed.taskVariables,
    });
    expect(post.errors).toEqual([]);
    expect(post.result).toBe('Succeeded');
    expect(post.log).toContain('Stopping 2 jump box(es) the main step left running.');
    expect(post.summaries.join('')).toMatch(/\| jb-a \| yes \| [\d.]+ \|/);
    expect(post.summaries.join('')).toMatch(/\| jb-c \| yes \| [\d.]+ \|/);
    expect(await runningGroups()).toEqual([]);
  });

  it('the post-job entry after a probe run that stopped its groups says there is nothing to stop', async () => {
    const admin = new LocalCloudAdmin(local.cloud);
    const probe = await task({ probes: '- name: ready\n  command: "true"\n' });
    expect(probe.errors).toEqual([]);
    expect(probe.result).toBe('Succeeded');
    expect(probe.taskVariables['jump-boxes-to-stop']).toBe('[]');
    expect(await runningGroups()).toEqual([]);
    await admin.clearCalls();
    const post = await runAzureDevOpsTask({
      ...taskOptions({}),
      stage: 'post',
      taskVariables: probe.taskVariables,
    });
    expect(post.errors).toEqual([]);
    expect(post.result).toBe('Succeeded');
    expect(post.log).toContain('The main step left no jump box running; nothing to stop.');
    expect(post.summaries).toEqual([]);
    expect((await admin.calls()).filter((c) => /\/containerGroups\//i.test(c.path))).toEqual([]);
  });
});
