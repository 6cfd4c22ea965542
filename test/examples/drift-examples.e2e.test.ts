import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { compileParams } from '@azpn/bicep';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
  type Scenario,
} from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import {
  localCloudAgentSettings,
  localCloudGitHubSettings,
  pushEvent,
  runAzurePipeline,
  runGitHubWorkflow,
  scheduleEvent,
  type LocalCloudGitHubSettings,
} from '@azpn/workflow-executor';
import { expectConclusion } from './run-report.js';

/**
 * The drift examples, executed on their schedules: drift-check.yml (GitHub issues) and azure-pipelines-drift.yml
 * (Azure Boards work items) against the forwarder as deploy.yml deploys it, signed in as a reader identity of their
 * own, with drift made out of band through the local cloud's admin API: no drift, a drift, the same drift, a
 * different drift, clean again. No fabric: what-if reads the control plane only.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'workflows-examples');
const cron = '17 3 * * *';
const reader = {
  clientId: '6d7e8f90-a1b2-4c3d-8e4f-5a6b7c8d9e0f',
  objectId: '8f90a1b2-c3d4-4e5f-9a6b-7c8d9e0f1a2b',
  connectionId: '9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2c',
};

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let github: LocalCloudGitHubSettings;
let nat: string;
let hub: string;

/** The default scenario and a reader principal, federated for the main branch and its own service connection. */
function scenarioWithReader(): Scenario {
  const scenario = defaultScenario();
  const deployer = scenario.principals[0]!;
  scenario.principals.push({
    name: 'drift-reader',
    clientId: reader.clientId,
    objectId: reader.objectId,
    tenantId: deployer.tenantId,
    federatedCredentials: [
      { ...deployer.federatedCredentials.find((c) => c.name === 'main')!, name: 'main' },
      {
        ...deployer.federatedCredentials.find((c) => c.name === 'ado')!,
        subject: 'sc://local-org/local-project/azpn-drift-reader',
      },
    ],
  });
  scenario.azureDevOps.serviceConnections.push({ id: reader.connectionId, name: 'azpn-drift-reader' });
  return scenario;
}

/** The forwarder in rg-forwarder with deploy.yml's parameters (name: prod), straight through ARM. */
async function deployForwarder(): Promise<void> {
  const { credential, options } = cloudSdkAccess(local.cloud);
  const groups = new ResourceManagementClient(credential, local.cloud.subscriptionId, options).resourceGroups;
  await groups.createOrUpdate('rg-forwarder', { location: 'westeurope' });
  const built = await compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  const values = (built.parameters.parameters ?? {}) as Record<string, { value: unknown }>;
  const parameters = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v.value }]));
  parameters.name = { value: 'prod' };
  const properties = { template: built.template!, parameters, mode: 'Incremental' as const };
  const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  await deployments.deployments.createOrUpdate('rg-forwarder', 'forwarder', { properties });
  const group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-forwarder/providers`;
  nat = `${group}/Microsoft.Network/natGateways/ng-prod`;
  hub = `${group}/Microsoft.Network/virtualNetworks/vnet-hub-prod`;
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-drift-examples-'));
  local = await startLocalCloud({ stateDir, scenario: scenarioWithReader() });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  trustCloudCa(local.cloud.caPem);
  github = localCloudGitHubSettings(local, root);
  await deployForwarder();
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

interface GitHubState {
  repositories: {
    fullName: string;
    issues: { number: number; title: string; body: string; state: string; labels: string[] }[];
    comments: { issueNumber: number; body: string }[];
  }[];
}

/** Who called what-if since the call log was cleared: the reader identity, and nobody else. */
async function whatIfCallers(): Promise<string[]> {
  const calls = (await admin.calls()).filter((c) => c.path.endsWith('/whatIf'));
  return [...new Set(calls.map((c) => c.principal ?? ''))];
}

async function issues() {
  const state = (await admin.pluginState('github-api')) as GitHubState;
  const repository = state.repositories.find((r) => r.fullName === 'azpn/infra');
  return { issues: repository?.issues ?? [], comments: repository?.comments ?? [] };
}

function workflow(event = scheduleEvent(cron)) {
  return runGitHubWorkflow({
    workflow: join(examples, 'drift-check.yml'),
    workspace: root,
    event,
    ...github,
    vars: { ...github.vars, AZURE_READER_CLIENT_ID: reader.clientId },
    stepTimeoutMs: 120_000,
  });
}

/** The driftable changes the sequences make: a NAT gateway setting, then a tag on the hub, then both undone. */
const drift = {
  nat: (minutes: number) => admin.patchResource(nat, { properties: { idleTimeoutInMinutes: minutes } }),
  tag: (value: string | null) => admin.patchResource(hub, { tags: { reviewedBy: value } }),
};

describe('workflows-examples/drift-check.yml', () => {
  it('does not run on a push', async () => {
    const result = await workflow(pushEvent({ branch: 'main' }));
    expect(result.triggered).toBe(false);
  });

  it('on its schedule: no drift, no issue; signed in as the reader, issues: write, no environment', async () => {
    await admin.clearCalls();
    const result = await workflow();
    expectConclusion(result, 'success');
    const job = result.job('what-if');
    expect(job.environment).toBeUndefined();
    expect(job.token?.permissions).toMatchObject({ issues: 'write', contents: 'read', 'id-token': 'write' });
    expect(job.steps[1]!.outputs['has-drift']).toBe('false');
    expect(job.steps[1]!.log).toContain('prod: no drift');
    expect(job.steps[2]!.outcome).toBe('skipped');
    expect((await issues()).issues).toEqual([]);
    expect(await whatIfCallers()).toEqual([reader.objectId]);
  });

  it('a drift opens an issue; the same drift leaves it; another updates it; clean again closes it', async () => {
    await drift.nat(30);
    const opened = await workflow();
    expectConclusion(opened, 'success');
    const [, step, echo] = opened.job('what-if').steps;
    const number = Number(step!.outputs['issue-number']);
    expect(echo!.log).toBe(`Drift in prod - 1 change(s), ${step!.outputs['issue-url']}\n`);
    let state = await issues();
    expect(state.issues.map((i) => [i.number, i.state, i.labels, i.title])).toEqual([
      [number, 'open', ['drift'], 'Drift in prod: 1 change in 1 resource'],
    ]);
    expect(state.issues[0]!.body).toContain('ng-prod');

    const same = await workflow();
    expectConclusion(same, 'success');
    expect(JSON.parse(same.job('what-if').steps[1]!.outputs.results!)[0].issue).toBe('unchanged');
    expect(await issues()).toEqual(state);

    await drift.tag('someone');
    const changed = await workflow();
    expectConclusion(changed, 'success');
    state = await issues();
    expect(state.issues.map((i) => [i.number, i.state, i.title])).toEqual([
      [number, 'open', 'Drift in prod: 2 changes in 2 resources'],
    ]);
    expect(state.comments.map((c) => [c.issueNumber, c.body.split(':')[0]])).toEqual([
      [number, 'The drift in prod changed'],
    ]);

    await drift.nat(4);
    await drift.tag(null);
    const clean = await workflow();
    expectConclusion(clean, 'success');
    expect(clean.job('what-if').steps[2]!.outcome).toBe('skipped');
    state = await issues();
    expect(state.issues.map((i) => [i.number, i.state])).toEqual([[number, 'closed']]);
    expect(state.comments.at(-1)!.body).toMatch(/^What-if finds no drift in prod any more/);
  });
});

describe('workflows-examples/azure-pipelines-drift.yml', () => {
  function pipeline(trigger: Parameters<typeof runAzurePipeline>[0]['trigger']) {
    const agent = localCloudAgentSettings(local, root);
    const endpoint = Object.values(agent.serviceConnections)[0]!.endpoint;
    return runAzurePipeline({
      pipeline: join(examples, 'azure-pipelines-drift.yml'),
      workspace: root,
      trigger,
      parameters: { cloud: local.cloud.resourceManager },
      ...agent,
      // The pipeline's own reader connection: the same kind as the deployer's, for the reader principal.
      serviceConnections: {
        ...agent.serviceConnections,
        'azpn-drift-reader': {
          id: reader.connectionId,
          endpoint: {
            ...endpoint,
            parameters: { ...endpoint.parameters, serviceprincipalid: reader.clientId },
          },
        },
      },
      stepTimeoutMs: 120_000,
    });
  }
  const schedule = { reason: 'Schedule', branch: 'refs/heads/main', cron } as const;

  async function workItems() {
    const state = (await admin.pluginState('azure-devops-api')) as {
      workItems: { id: number; fields: Record<string, unknown>; comments: { text: string }[] }[];
    };
    return state.workItems;
  }

  function outcome(result: Awaited<ReturnType<typeof pipeline>>) {
    const [check, echo] = result.job('Job').steps;
    return { result: result.result, check: check!, echo: echo! };
  }

  it('is not run by a push (trigger: none)', async () => {
    const result = await pipeline({ reason: 'IndividualCI', branch: 'refs/heads/main' });
    expect(result.triggered).toBe(false);
  });

  it('on its schedule: no drift, then one work item opened, left alone, updated and set to Done', async () => {
    await admin.clearCalls();
    const clean = outcome(await pipeline(schedule));
    expect(await whatIfCallers()).toEqual([reader.objectId]);
    expect([clean.result, clean.check.outputs.hasDrift, clean.echo.result]).toEqual([
      'Succeeded',
      'false',
      'Skipped',
    ]);
    expect(await workItems()).toEqual([]);

    await drift.nat(30);
    const opened = outcome(await pipeline(schedule));
    expect([opened.result, opened.check.outputs.driftCount]).toEqual(['Succeeded', '1']);
    const id = Number(opened.check.outputs.issueNumber);
    expect(opened.echo.log).toBe(`Drift in prod - 1 change(s), ${opened.check.outputs.issueUrl}\n`);
    let [item] = await workItems();
    expect([item!.id, item!.fields['System.State'], item!.fields['System.Tags']]).toEqual([
      id,
      'To Do',
      'drift',
    ]);

    const same = outcome(await pipeline(schedule));
    expect(same.result).toBe('Succeeded');
    expect(await workItems()).toEqual([item]);

    await drift.tag('someone');
    const changed = outcome(await pipeline(schedule));
    expect([changed.result, changed.check.outputs.driftCount]).toEqual(['Succeeded', '2']);
    [item] = await workItems();
    expect(item!.fields['System.Title']).toBe('Drift in prod: 2 changes in 2 resources');
    expect(item!.comments).toHaveLength(1);

    await drift.nat(4);
    await drift.tag(null);
    const done = outcome(await pipeline(schedule));
    expect([done.result, done.check.outputs.hasDrift, done.echo.result]).toEqual([
      'Succeeded',
      'false',
      'Skipped',
    ]);
    [item] = await workItems();
    expect(item!.fields['System.State']).toBe('Done');
  });
});
