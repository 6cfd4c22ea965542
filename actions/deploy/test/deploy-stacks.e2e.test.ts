import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { runAzureDevOpsTask, runGitHubStep, type GitHubStepResult } from '@azpn/action-host';
import {
  azureDevOpsAgentEnvironment,
  defaultIds,
  defaultScenario,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';

// Subscription scope and deployment stacks end to end: the committed bundles run as the GitHub runner and the Azure
// DevOps agent run them, against the local cloud, whose state the SDKs read back (another principal's SDK calls
// prove the deny settings).
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(actionDir, '..', '..');
const fixture = (name: string) => relative(root, join(actionDir, 'test', 'fixtures', name));
const landingZone = fixture('landing-zone.bicep');
const stackApp = fixture('stack-app.bicep');
const searchPath = `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`;
const operator = {
  name: 'operator',
  clientId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  objectId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  clientSecret: 'local-cloud-operator-secret',
};

let local: LocalCloud;
let stateDir: string;
let resources: ResourceManagementClient;
let operatorNetwork: NetworkManagementClient;

function deployStep(inputs: Record<string, string>): Promise<GitHubStepResult> {
  return runGitHubStep({
    actionDir,
    workspace: root,
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      ...inputs,
    },
    env: { ...githubRunnerEnvironment(local.cloud, 'main'), PATH: searchPath },
    timeoutMs: 90_000,
  });
}

function adoTask(inputs: Record<string, string>): ReturnType<typeof runAzureDevOpsTask> {
  const agent = azureDevOpsAgentEnvironment(local.cloud);
  return runAzureDevOpsTask({
    taskDir: actionDir,
    workspace: root,
    inputs: { azureSubscription: agent.connectionId, cloud: local.cloud.resourceManager, ...inputs },
    endpoints: agent.endpoints,
    variables: { ...agent.variables, PATH: searchPath },
    secretVariables: agent.secretVariables,
    timeoutMs: 90_000,
  });
}

async function exists(id: string, apiVersion: string): Promise<boolean> {
  return resources.resources.getById(id, apiVersion).then(
    () => true,
    (error: { statusCode?: number }) => {
      if (error.statusCode === 404) return false;
      throw error;
    },
  );
}

const groupId = (name: string) => `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${name}`;
const vnetIn = (group: string, name = 'app-net') =>
  `${groupId(group)}/providers/Microsoft.Network/virtualNetworks/${name}`;
const identityIn = (group: string) =>
  `${groupId(group)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id`;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-stacks-e2e-'));
  const scenario = defaultScenario();
  local = await startLocalCloud({
    stateDir,
    scenario: {
      ...scenario,
      principals: [
        ...scenario.principals,
        { ...operator, tenantId: scenario.tenants[0]!.id, federatedCredentials: [] },
      ],
      latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 },
    },
  });
  trustCloudCa(local.cloud.caPem);
  const deployer = cloudSdkAccess(local.cloud);
  resources = new ResourceManagementClient(deployer.credential, local.cloud.subscriptionId, deployer.options);
  const ops = cloudSdkAccess(local.cloud, { principal: operator });
  operatorNetwork = new NetworkManagementClient(ops.credential, local.cloud.subscriptionId, ops.options);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('deploy at subscription scope', () => {
  it('creates a resource group and deploys a module into it (GitHub runner)', async () => {
    const step = await deployStep({
      template: landingZone,
      scope: 'subscription',
      location: 'westeurope',
      'parameter-overrides': 'groupName=rg-landing-gh',
      'deployment-name': 'landing',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs.groupId).toBe(groupId('rg-landing-gh'));
    expect(step.outputs.vnetId).toBe(vnetIn('rg-landing-gh', 'landing-net'));
    expect(step.summary).toContain(`Deployment landing to subscription ${local.cloud.subscriptionId}`);
    expect(step.summary).toContain('| Create | Microsoft.Resources/resourceGroups | rg-landing-gh |');
    expect(await exists(vnetIn('rg-landing-gh', 'landing-net'), '2024-05-01')).toBe(true);
  });

  it('does the same on the Azure DevOps agent, and refuses a management-group scope before any call', async () => {
    const task = await adoTask({
      template: landingZone,
      scope: 'subscription',
      location: 'westeurope',
      parameterOverrides: 'groupName=rg-landing-ado',
      deploymentName: 'landing-ado',
    });
    expect(task.errors).toEqual([]);
    expect(task.result).toBe('Succeeded');
    expect(task.outputs.vnetId?.value).toBe(vnetIn('rg-landing-ado', 'landing-net'));
    const refused = await adoTask({ template: landingZone, scope: 'managementGroup' });
    expect(refused.result).toBe('Failed');
    expect(refused.errors).toEqual([
      expect.stringMatching(
        /^Input scope is managementGroup: this action deploys at resourceGroup or subscription scope only;/,
      ),
    ]);
  });
});

describe('deploy a deployment stack (GitHub runner)', () => {
  const stack = (inputs: Record<string, string>) =>
    deployStep({
      template: stackApp,
      type: 'stack',
      'stack-name': 'app',
      'resource-group': 'rg-stack',
      location: 'westeurope',
      ...inputs,
    });

  it('creates the stack: its outputs, its id, and what it manages in the summary', async () => {
    const step = await stack({});
    expect(step.errors).toEqual([]);
    expect(step.outputs['stack-name']).toBe('app');
    expect(step.outputs['stack-id']).toBe(
      `${groupId('rg-stack')}/providers/Microsoft.Resources/deploymentStacks/app`,
    );
    expect(step.outputs.vnetId).toBe(vnetIn('rg-stack'));
    expect(step.outputs['deployment-name']).toMatch(/^app-/);
    expect(step.summary).toContain('The stack manages 2 resource(s) with deny settings none.');
  });

  it('previews what an update would let go, then detaches it (detachAll): the identity stays', async () => {
    const preview = await stack({
      'parameter-overrides': 'withIdentity=false',
      mode: 'what-if',
      'action-on-unmanage': 'deleteResources',
    });
    expect(preview.errors).toEqual([]);
    expect(preview.outputs['has-changes']).toBe('true');
    expect(preview.summary).toContain(`| ${identityIn('rg-stack')} | deleted |`);
    expect(await exists(identityIn('rg-stack'), '2023-01-31')).toBe(true);
    const step = await stack({ 'parameter-overrides': 'withIdentity=false' });
    expect(step.errors).toEqual([]);
    expect(step.summary).toContain(`| ${identityIn('rg-stack')} | detached (left in place) |`);
    expect(await exists(identityIn('rg-stack'), '2023-01-31')).toBe(true);
  });

  it('deletes what a new version drops with deleteResources', async () => {
    expect((await stack({ 'action-on-unmanage': 'deleteResources' })).errors).toEqual([]);
    const step = await stack({
      'parameter-overrides': 'withIdentity=false',
      'action-on-unmanage': 'deleteResources',
    });
    expect(step.errors).toEqual([]);
    expect(step.summary).toContain(`| ${identityIn('rg-stack')} | deleted |`);
    expect(await exists(identityIn('rg-stack'), '2023-01-31')).toBe(false);
  });

  it('denies a write by another principal and a plain deployment that touches what the stack manages', async () => {
    const locked = await stack({
      'parameter-overrides': 'withIdentity=false',
      'deny-settings-mode': 'denyWriteAndDelete',
    });
    expect(locked.errors).toEqual([]);
    expect(locked.summary).toContain('deny settings denyWriteAndDelete');
    await expect(
      operatorNetwork.virtualNetworks.beginDeleteAndWait('rg-stack', 'app-net'),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'DenyAssignmentAuthorizationFailed',
    });
    const plain = await deployStep({
      template: stackApp,
      'resource-group': 'rg-stack',
      'parameter-overrides': 'withIdentity=false\nprefix="10.91"',
      'deployment-name': 'around-the-stack',
    });
    expect(plain.exitCode).toBe(1);
    expect(plain.errors).toEqual([
      expect.stringMatching(
        /^Deployment around-the-stack failed: Microsoft\.Network\/virtualNetworks app-net: DenyAssignmentAuthorizationFailed: The client '[^']+' with object id '[^']+' has permission to perform action 'Microsoft\.Network\/virtualNetworks\/write'/,
      ),
    ]);
    // The stack's own update goes through its deny assignments.
    const update = await stack({
      'parameter-overrides': 'withIdentity=false\nprefix="10.92"',
      'deny-settings-mode': 'denyWriteAndDelete',
    });
    expect(update.errors).toEqual([]);
  });
});

describe('a deployment stack that fails', () => {
  it('names the resource at fault, from the operations of the deployment the stack ran', async () => {
    await new LocalCloudAdmin(local.cloud).addFault({
      method: 'PUT',
      pathPattern: 'userAssignedIdentities/app-id',
      count: 1,
      failLongRunning: { code: 'QuotaExceeded', message: 'No more identities in this subscription.' },
    });
    const step = await deployStep({
      template: stackApp,
      type: 'stack',
      'stack-name': 'broken',
      'resource-group': 'rg-stack-broken',
      location: 'westeurope',
    });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toEqual([
      expect.stringMatching(
        /^Stack broken failed: Microsoft\.ManagedIdentity\/userAssignedIdentities app-id: QuotaExceeded: No more identities in this subscription\..*correlation id/is,
      ),
    ]);
    expect(step.summary).toContain('Stack broken failed');
  });
});

describe('deployment stacks on the Azure DevOps agent', () => {
  it('deletes a stack with its resources (deleteAll), and a second delete finds nothing to do', async () => {
    const deleted = await adoTask({
      type: 'stack',
      mode: 'delete',
      stackName: 'app',
      resourceGroup: 'rg-stack',
      actionOnUnmanage: 'deleteAll',
    });
    expect(deleted.errors).toEqual([]);
    expect(deleted.result).toBe('Succeeded');
    expect(deleted.summaries.join('\n')).toContain(`| ${vnetIn('rg-stack')} | deleted |`);
    expect(await exists(vnetIn('rg-stack'), '2024-05-01')).toBe(false);
    const again = await adoTask({
      type: 'stack',
      mode: 'delete',
      stackName: 'app',
      resourceGroup: 'rg-stack',
    });
    expect(again.result).toBe('Succeeded');
    expect(again.summaries.join('\n')).toContain('The stack does not exist: nothing was deleted.');
  });

  it('keeps a subscription-scope stack with its resource group, and deleteAll removes the group', async () => {
    const created = await adoTask({
      template: landingZone,
      type: 'stack',
      scope: 'subscription',
      location: 'westeurope',
      stackName: 'landing',
      parameterOverrides: 'groupName=rg-landing-stack',
      denySettingsMode: 'denyDelete',
    });
    expect(created.errors).toEqual([]);
    expect(created.outputs.stackId?.value).toBe(
      `/subscriptions/${local.cloud.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/landing`,
    );
    await expect(resources.resourceGroups.beginDeleteAndWait('rg-landing-stack')).rejects.toMatchObject({
      statusCode: 403,
    });
    const deleted = await adoTask({
      type: 'stack',
      scope: 'subscription',
      location: 'westeurope',
      mode: 'delete',
      stackName: 'landing',
      actionOnUnmanage: 'deleteAll',
    });
    expect(deleted.errors).toEqual([]);
    expect((await resources.resourceGroups.checkExistence('rg-landing-stack')).body).toBe(false);
  });
});
