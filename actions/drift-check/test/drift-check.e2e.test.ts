import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { runAzureDevOpsTask, runGitHubStep, secretLeaks, type GitHubStepResult } from '@azpn/action-host';
import { compileBicep, compileParams } from '@azpn/bicep';
import {
  azureDevOpsAgentEnvironment,
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';

// The bundles, run as a GitHub runner and an Azure DevOps agent run them, against the local cloud (whose what-if
// shows ARM's noise) and its code-host stand-ins. The drift is made out of band through the admin API, as someone
// editing in the portal would.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(actionDir, '..', '..');
const template = 'bicep/forwarder/main.bicepparam';
const searchPath = `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`;

interface GitHubIssue {
  number: number;
  title: string;
  body: string;
  state: string;
  stateReason: string | null;
  labels: string[];
}
interface GitHubState {
  repositories: {
    fullName: string;
    issues: GitHubIssue[];
    comments: { issueNumber: number; body: string }[];
    labels: { name: string }[];
  }[];
}
interface WorkItem {
  id: number;
  fields: Record<string, unknown>;
  comments: { text: string }[];
}

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;

/** The ids of the forwarder's NAT gateway and hub network in a group, read from what-if's resource ids. */
const forwarders = new Map<string, { nat: string; hub: string }>();

async function deployForwarder(resourceGroup: string): Promise<void> {
  const { credential, options } = cloudSdkAccess(local.cloud);
  const groups = new ResourceManagementClient(credential, local.cloud.subscriptionId, options).resourceGroups;
  await groups.createOrUpdate(resourceGroup, { location: 'westeurope' });
  const built = await compileParams(join(root, template));
  const values = (built.parameters.parameters ?? {}) as Record<string, { value: unknown }>;
  const parameters = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v.value }]));
  const properties = { template: built.template!, parameters, mode: 'Incremental' as const };
  const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  const poll = { updateIntervalInMs: 20 };
  const result = await deployments.deployments.createOrUpdate(
    resourceGroup,
    'forwarder',
    { properties },
    poll,
  );
  const ids = (result.properties?.outputResources ?? []).map((r) => r.id ?? '');
  forwarders.set(resourceGroup, {
    nat: ids.find((id) => id.includes('/natGateways/'))!,
    hub: ids.find((id) => /\/virtualNetworks\/vnet-hub-/.test(id))!,
  });
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-drift-e2e-'));
  local = await startLocalCloud({ stateDir });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  trustCloudCa(local.cloud.caPem);
  for (const rg of ['rg-drift-gh', 'rg-drift-ado', 'rg-drift-staging']) await deployForwarder(rg);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function gitHubToken(permissions: Record<string, string>): Promise<string> {
  const minted = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: 'azpn/infra',
    permissions,
  })) as { token: string };
  return minted.token;
}

async function driftStep(inputs: Record<string, string>, token?: string): Promise<GitHubStepResult> {
  const apiUrl = local.cloud.services['github-api']!.apiUrl as string;
  return runGitHubStep({
    actionDir,
    workspace: root,
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      'github-token': token ?? (await gitHubToken({ issues: 'write', contents: 'read' })),
      ...inputs,
    },
    env: {
      ...githubRunnerEnvironment(local.cloud, 'main'),
      PATH: searchPath,
      GITHUB_API_URL: apiUrl,
      GITHUB_SERVER_URL: apiUrl.replace(/\/api\/v3$/, ''),
      GITHUB_REPOSITORY: 'azpn/infra',
      GITHUB_RUN_ID: '4711',
    },
    timeoutMs: 120_000,
  });
}

async function repository() {
  const state = (await admin.pluginState('github-api')) as GitHubState;
  return state.repositories.find((r) => r.fullName === 'azpn/infra')!;
}

const prodInputs = { environment: 'prod', template, 'resource-group': 'rg-drift-gh' };

describe('drift-check on GitHub: one issue through its lifecycle', () => {
  let issue: number;

  it('finds no drift right after a deployment: the noise is set aside and no issue is opened', async () => {
    const step = await driftStep(prodInputs);
    expect(step.errors).toEqual([]);
    expect([step.outputs['has-drift'], step.outputs['drift-count'], step.outputs['issue-number']]).toEqual([
      'false',
      '0',
      '',
    ]);
    const [result] = JSON.parse(step.outputs.results!) as { issue: string; drifted: boolean }[];
    expect(result).toMatchObject({ drifted: false, issue: 'clean' });
    expect(step.summary).toMatch(/\| prod \| rg-drift-gh \| none \| \d+ \|/);
    expect((await repository()).issues).toEqual([]);
  });

  it('opens an issue on the first drift, with the changes, the noise set aside and the marker', async () => {
    await admin.patchResource(forwarders.get('rg-drift-gh')!.nat, {
      properties: { idleTimeoutInMinutes: 30 },
    });
    const step = await driftStep(prodInputs);
    expect(step.errors).toEqual([]);
    expect([step.outputs['has-drift'], step.outputs['drift-count']]).toEqual(['true', '1']);
    issue = Number(step.outputs['issue-number']);
    const { issues, labels, comments } = await repository();
    expect(issues).toHaveLength(1);
    const [opened] = issues;
    expect(opened).toMatchObject({
      number: issue,
      state: 'open',
      labels: ['drift'],
      title: 'Drift in prod: 1 change in 1 resource',
    });
    expect(step.outputs['issue-url']).toMatch(new RegExp(`/azpn/infra/issues/${issue}$`));
    expect(labels.map((l) => l.name)).toContain('drift');
    expect(opened!.body).toMatch(/^<!-- azpn-drift-check environment=prod fingerprint=[0-9a-f]{16} -->/);
    expect(opened!.body).toContain('`properties.idleTimeoutInMinutes: 30 → 4`');
    expect(opened!.body).toContain('Azure/arm-template-whatif#418');
    expect(opened!.body).toContain('/azpn/infra/actions/runs/4711');
    expect(comments).toEqual([]);
  });

  it('leaves the issue alone when the drift is the same', async () => {
    const before = await repository();
    const step = await driftStep(prodInputs);
    expect(step.errors).toEqual([]);
    expect(step.outputs['issue-number']).toBe(String(issue));
    expect(JSON.parse(step.outputs.results!)[0].issue).toBe('unchanged');
    expect(await repository()).toEqual(before);
  });

  it('updates the issue, with a comment, when the drift changes', async () => {
    const { hub } = forwarders.get('rg-drift-gh')!;
    await admin.patchResource(hub, {
      tags: { environment: 'example', owner: 'platform-engineering', costCenter: 'x' },
    });
    const step = await driftStep(prodInputs);
    expect(step.errors).toEqual([]);
    expect([step.outputs['drift-count'], step.outputs['issue-number']]).toEqual(['2', String(issue)]);
    const { issues, comments } = await repository();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe('Drift in prod: 2 changes in 2 resources');
    expect(issues[0]!.body).toContain('`tags.costCenter: "x" → ∅`');
    expect(comments.map((c) => c.body)).toEqual([
      expect.stringMatching(
        /^The drift in prod changed: 2 changes in 2 resources now, found by .*\/actions\/runs\/4711\./,
      ),
    ]);
  });

  it('closes the issue with a comment when the environment is clean again', async () => {
    const { nat, hub } = forwarders.get('rg-drift-gh')!;
    await admin.patchResource(nat, { properties: { idleTimeoutInMinutes: 4 } });
    await admin.patchResource(hub, { tags: { costCenter: null } });
    const step = await driftStep(prodInputs);
    expect(step.errors).toEqual([]);
    expect([step.outputs['has-drift'], step.outputs['issue-number']]).toEqual(['false', String(issue)]);
    expect(JSON.parse(step.outputs.results!)[0].issue).toBe('closed');
    const { issues, comments } = await repository();
    expect(issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(comments.at(-1)!.body).toMatch(
      /^What-if finds no drift in prod any more \(.*\/runs\/4711\): closing\.$/,
    );
  });

  it('with a token that may not write issues, fails with one sentence naming the permission', async () => {
    await admin.patchResource(forwarders.get('rg-drift-gh')!.nat, {
      properties: { idleTimeoutInMinutes: 9 },
    });
    const step = await driftStep(prodInputs, await gitHubToken({ issues: 'read', contents: 'read' }));
    expect(step.exitCode).not.toBe(0);
    expect(step.errors).toEqual([
      expect.stringMatching(
        /^The token may not create issues \(GitHub answered 403 Resource not accessible by integration.*\): give the job "permissions: issues: write"/,
      ),
    ]);
    await admin.patchResource(forwarders.get('rg-drift-gh')!.nat, {
      properties: { idleTimeoutInMinutes: 4 },
    });
  });
});

describe('drift-check with a secure value in the drift', () => {
  it('shows the drifted record redacted: neither the value it holds now nor the one the template holds is in the issue', async () => {
    const secret = 'tok-"9f2c"\\with%-never-printed';
    const planted = 'value-someone-pasted-in-the-portal';
    const { credential, options } = cloudSdkAccess(local.cloud);
    const groups = new ResourceManagementClient(credential, local.cloud.subscriptionId, options)
      .resourceGroups;
    await groups.createOrUpdate('rg-drift-secure', { location: 'westeurope' });
    const fixture = join('actions', 'drift-check', 'test', 'fixtures', 'secure-record.bicep');
    const properties = {
      template: await compileBicep(join(root, fixture)),
      parameters: { apiToken: { value: secret } },
      mode: 'Incremental' as const,
    };
    const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
    await deployments.deployments.createOrUpdate('rg-drift-secure', 'secure', { properties });
    const record = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-drift-secure/providers/Microsoft.Network/privateDnsZones/secure.drift/TXT/token`;
    await admin.patchResource(record, { properties: { txtRecords: [{ value: [planted] }] } });
    const step = await driftStep({
      environment: 'secure',
      template: fixture,
      'resource-group': 'rg-drift-secure',
      'parameter-overrides': `apiToken: '${secret.replaceAll("'", "''")}'`,
    });
    expect(step.errors).toEqual([]);
    expect([step.outputs['has-drift'], step.outputs['drift-count']]).toEqual(['true', '1']);
    const issue = (await repository()).issues.find((i) => i.title.startsWith('Drift in secure'))!;
    expect(issue.body).toContain('(redacted) → (redacted)');
    // Every byte the run wrote and the issue it opened, in every printed form of both values.
    expect(secretLeaks(step, [secret, planted], { extra: { issue: issue.body + issue.title } })).toEqual([]);
  });
});

describe('drift-check with a list of environments', () => {
  it('checks each, opens an issue only for the drifted one, and reports both', async () => {
    await admin.patchResource(forwarders.get('rg-drift-staging')!.nat, {
      properties: { idleTimeoutInMinutes: 12 },
    });
    const environments = [
      `- name: prod\n  resource-group: rg-drift-gh\n  template: ${template}`,
      `- name: staging\n  resource-group: rg-drift-staging\n  template: ${template}`,
    ].join('\n');
    const step = await driftStep({ environments });
    expect(step.errors).toEqual([]);
    expect([
      step.outputs['has-drift'],
      step.outputs['drifted-environments'],
      step.outputs['issue-number'],
    ]).toEqual(['true', '["staging"]', '']);
    const results = JSON.parse(step.outputs.results!) as {
      name: string;
      issue: string;
      issueNumber?: number;
    }[];
    expect(results.map((r) => [r.name, r.issue])).toEqual([
      ['prod', 'clean'],
      ['staging', 'opened'],
    ]);
    const open = (await repository()).issues.filter((i) => i.state === 'open' && !i.title.includes('secure'));
    expect(open.map((i) => [i.number, i.title])).toEqual([
      [results[1]!.issueNumber, 'Drift in staging: 1 change in 1 resource'],
    ]);
  });

  it('refuses a list naming an environment twice, before any call', async () => {
    await admin.clearCalls();
    const environments = `- {name: prod, resource-group: rg-a, template: ${template}}\n- {name: Prod, resource-group: rg-b, template: ${template}}`;
    const step = await driftStep({ environments }, 'ghs_unused');
    expect(step.errors).toEqual(['Input environments names Prod twice: give each environment one entry.']);
    expect(await admin.calls()).toEqual([]);
  });
});

describe('drift-check at subscription scope', () => {
  const landingZone = 'bicep/landing-zone/main.bicepparam';

  it('compares a template that makes its own group, names the subscription, and opens an issue on drift', async () => {
    const { credential, options } = cloudSdkAccess(local.cloud);
    const built = await compileParams(join(root, landingZone));
    const values = (built.parameters.parameters ?? {}) as Record<string, { value: unknown }>;
    const parameters = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v.value }]));
    const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
    await deployments.deployments.createOrUpdateAtSubscriptionScope(
      'landing',
      { location: 'westeurope', properties: { template: built.template!, parameters, mode: 'Incremental' } },
      { updateIntervalInMs: 20 },
    );
    const inputs = {
      environment: 'landing',
      template: landingZone,
      scope: 'subscription',
      location: 'West Europe',
    };

    await admin.clearCalls();
    const clean = await driftStep(inputs);
    expect(clean.errors).toEqual([]);
    expect(clean.outputs['has-drift']).toBe('false');
    expect(JSON.parse(clean.outputs.results!)).toEqual([
      expect.objectContaining({ name: 'landing', scope: 'subscription', drifted: false, issue: 'clean' }),
    ]);
    expect(clean.summary).toContain(`| landing | subscription ${local.cloud.subscriptionId} | none |`);
    // What-if went to the subscription's deployments (which ARM refuses without a location), not to a group's.
    const whatIfs = (await admin.calls()).filter((c) => c.path.endsWith('/whatIf'));
    expect(whatIfs.map((c) => c.path.replace(/^\/subscriptions\/[^/]+/, ''))).toEqual([
      '/providers/Microsoft.Resources/deployments/drift-check-landing/whatIf',
    ]);

    const vnet = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-landing-example/providers/Microsoft.Network/virtualNetworks/vnet-landing-example`;
    await admin.patchResource(vnet, { tags: { environment: 'example', owner: 'someone-else' } });
    const drifted = await driftStep(inputs);
    expect(drifted.errors).toEqual([]);
    expect([drifted.outputs['has-drift'], drifted.outputs['drift-count']]).toEqual(['true', '1']);
    const issue = (await repository()).issues.find((i) => i.title.startsWith('Drift in landing'))!;
    expect(issue.body).toContain(`against subscription \`${local.cloud.subscriptionId}\``);
    expect(issue.body).toContain('`tags.owner: "someone-else" → "platform-engineering"`');
  });

  it('refuses a subscription-scope environment without a location, before any call', async () => {
    await admin.clearCalls();
    const step = await driftStep(
      { environment: 'landing', template: landingZone, scope: 'subscription' },
      'ghs_unused',
    );
    expect(step.errors).toEqual([
      'Input location is not set, and a subscription-scope environment needs the region of its what-if deployment: set it, such as westeurope.',
    ]);
    expect(await admin.calls()).toEqual([]);
  });
});

describe('drift-check on Azure DevOps: one work item through its lifecycle', () => {
  /** The task's errors and the values of its output variables. */
  async function driftTask() {
    const task = await runTask();
    const outputs = Object.fromEntries(Object.entries(task.outputs).map(([k, v]) => [k, v.value]));
    return { errors: task.errors, outputs };
  }

  async function runTask() {
    const agent = azureDevOpsAgentEnvironment(local.cloud);
    return runAzureDevOpsTask({
      taskDir: actionDir,
      workspace: root,
      inputs: {
        azureSubscription: agent.connectionId,
        cloud: local.cloud.resourceManager,
        environment: 'prod',
        template,
        resourceGroup: 'rg-drift-ado',
        workItemClosedState: 'Done',
      },
      endpoints: agent.endpoints,
      variables: { ...agent.variables, PATH: searchPath, 'Build.BuildId': '815' },
      secretVariables: agent.secretVariables,
      timeoutMs: 120_000,
    });
  }

  async function workItems(): Promise<WorkItem[]> {
    const state = (await admin.pluginState('azure-devops-api')) as { workItems: WorkItem[] };
    return state.workItems;
  }

  it('opens, leaves alone, updates and closes a work item found by its tag through WIQL', async () => {
    const { nat, hub } = forwarders.get('rg-drift-ado')!;
    const clean = await driftTask();
    expect([clean.errors, clean.outputs.hasDrift, clean.outputs.issueNumber]).toEqual([[], 'false', '']);
    expect(await workItems()).toEqual([]);

    await admin.patchResource(nat, { properties: { idleTimeoutInMinutes: 30 } });
    const opened = await driftTask();
    expect([opened.errors, opened.outputs.hasDrift, opened.outputs.driftCount]).toEqual([[], 'true', '1']);
    const id = Number(opened.outputs.issueNumber);
    let [item] = await workItems();
    expect(item!.id).toBe(id);
    expect(item!.fields).toMatchObject({
      'System.Title': 'Drift in prod: 1 change in 1 resource',
      'System.State': 'To Do',
      'System.Tags': 'drift',
      'System.WorkItemType': 'Issue',
    });
    expect(String(item!.fields['System.Description'])).toContain(
      '<code>properties.idleTimeoutInMinutes: 30 → 4</code>',
    );
    expect(String(item!.fields['System.Description'])).toMatch(
      /azpn-drift-check environment=prod fingerprint=[0-9a-f]{16}/,
    );
    expect(opened.outputs.issueUrl).toMatch(new RegExp(`/_workitems/edit/${id}$`));

    const same = await driftTask();
    expect([same.errors, same.outputs.issueNumber]).toEqual([[], String(id)]);
    expect(await workItems()).toEqual([item]);

    await admin.patchResource(hub, {
      tags: { environment: 'example', owner: 'platform-engineering', costCenter: 'x' },
    });
    const updated = await driftTask();
    expect([updated.errors, updated.outputs.driftCount]).toEqual([[], '2']);
    [item] = await workItems();
    expect(item!.fields['System.Title']).toBe('Drift in prod: 2 changes in 2 resources');
    expect(item!.comments.map((c) => c.text)).toEqual([
      expect.stringMatching(/^The drift in prod changed: 2 changes/),
    ]);

    await admin.patchResource(nat, { properties: { idleTimeoutInMinutes: 4 } });
    await admin.patchResource(hub, { tags: { costCenter: null } });
    const closed = await driftTask();
    expect([closed.errors, closed.outputs.hasDrift, closed.outputs.issueNumber]).toEqual([
      [],
      'false',
      String(id),
    ]);
    [item] = await workItems();
    expect(item!.fields['System.State']).toBe('Done');
    expect(item!.comments.at(-1)!.text).toMatch(
      /^What-if finds no drift in prod any more \(.*buildId=815\): closing\.$/,
    );
  });
});
