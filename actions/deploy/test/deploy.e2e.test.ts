import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import { NetworkManagementClient } from '@azure/arm-network';
import { runAzureDevOpsTask, runGitHubStep, secretLeaks, type GitHubStepResult } from '@azpn/action-host';
import {
  defaultIds,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
  azureDevOpsAgentEnvironment,
  githubRunnerEnvironment,
} from '@azpn/local-cloud';
import { flowchartProblems } from './mermaid-flowchart.js';

// The committed bundles, run as the GitHub runner and the Azure DevOps agent run them, against the local cloud.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(actionDir, '..', '..');
const forwarder = join(root, 'bicep', 'forwarder', 'main.bicepparam');
const secureTemplate = join(actionDir, 'test', 'fixtures', 'secure.bicep');
const apiToken = 'tok-4f1c9a7e-never-in-logs';
const searchPath = `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`;

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let network: NetworkManagementClient;

function githubJob(name: string) {
  return { ...githubRunnerEnvironment(local.cloud, name), PATH: searchPath };
}

function deployStep(inputs: Record<string, string>, job = 'main'): Promise<GitHubStepResult> {
  return runGitHubStep({
    actionDir,
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      location: 'westeurope',
      ...inputs,
    },
    env: githubJob(job),
    timeoutMs: 90_000,
  });
}

function adoTask(inputs: Record<string, string>): ReturnType<typeof runAzureDevOpsTask> {
  const agent = azureDevOpsAgentEnvironment(local.cloud);
  return runAzureDevOpsTask({
    taskDir: actionDir,
    inputs: {
      azureSubscription: agent.connectionId,
      cloud: local.cloud.resourceManager,
      location: 'westeurope',
      ...inputs,
    },
    endpoints: agent.endpoints,
    variables: { ...agent.variables, PATH: searchPath },
    secretVariables: agent.secretVariables,
    timeoutMs: 90_000,
  });
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-deploy-e2e-'));
  local = await startLocalCloud({ stateDir });
  await new LocalCloudAdmin(local.cloud).setLatencies({
    readMs: 0,
    writeMs: 0,
    longRunningMs: 0,
    tokenMs: 0,
  });
  admin = new LocalCloudAdmin(local.cloud);
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('deploy on the GitHub runner, signed in with the job OIDC token', () => {
  it('deploys the forwarder: outputs, what-if table and topology in the summary', async () => {
    await admin.clearCalls();
    const step = await deployStep({
      template: forwarder,
      'resource-group': 'rg-e2e',
      'deployment-name': 'forwarder',
      'masked-outputs': 'plsAlias',
    });
    expect(step.errors).toEqual([]);
    expect(step.exitCode).toBe(0);
    expect(step.outputs['has-changes']).toBe('true');
    expect(step.outputs.privateEndpointIp).toMatch(/^10\.1\.0\.\d+$/);
    expect(step.outputs.plsAlias).toMatch(/\.azure\.privatelinkservice$/);
    // A masked output is still an output, but registered as a secret and starred in the summary.
    expect(step.masks).toContain(step.outputs.plsAlias);
    expect(step.summary).toContain('| plsAlias | (redacted) |');
    expect(step.summary).not.toContain(step.outputs.plsAlias!);
    expect(step.outputs.dnsZoneName).toBe('internal.net');
    expect(step.log).toMatch(/\[\s*[\d.]+m?s\] deployment forwarder: done/);
    expect(step.summary).toContain('| Create | Microsoft.Network/privateEndpoints |');
    expect(step.summary).toMatch(/What-if: Create \d+/);
    expect(flowchartProblems(step.summary)).toEqual([]);
    for (const node of [
      'Load balancer',
      'VM scale set',
      'Private Link Service',
      'Private endpoint',
      'Private DNS zone',
      'Jump box',
    ])
      expect(step.summary).toContain(node);
    expect(step.summary).toMatch(/-->\|loadBalancerFrontendIpConfigurations\|/);
    // The calls deploy mode needs, and no more: the topology is drawn from what-if's predictions.
    const calls = (await admin.calls())
      .filter((c) => c.operation !== 'token' && c.path.startsWith('/subscriptions/'))
      .map((c) =>
        `${c.method} ${c.path.replace(/^\/subscriptions\/[^/]+/, '').replace(/[0-9A-F]{32}|[0-9a-f-]{36}/g, '{id}')}`.toLowerCase(),
      );
    expect(calls).toEqual([
      'get /resourcegroups/rg-e2e',
      'put /resourcegroups/rg-e2e',
      'post /resourcegroups/rg-e2e/providers/microsoft.resources/deployments/forwarder/validate',
      'post /resourcegroups/rg-e2e/providers/microsoft.resources/deployments/forwarder/whatif',
      'get /operationresults/{id}',
      'put /resourcegroups/rg-e2e/providers/microsoft.resources/deployments/forwarder',
      'get /resourcegroups/rg-e2e/providers/microsoft.resources/deployments/forwarder/operationstatuses/{id}',
      'get /resourcegroups/rg-e2e/providers/microsoft.resources/deployments/forwarder',
    ]);
  });

  it('a second run with fail-on-changes passes: what-if finds only known noise, listed as such', async () => {
    const step = await deployStep({
      template: forwarder,
      'resource-group': 'rg-e2e',
      'deployment-name': 'forwarder',
      mode: 'what-if',
      'fail-on-changes': 'true',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs['has-changes']).toBe('false');
    expect(step.summary).not.toMatch(/\| (Create|Modify|Delete) \|/);
    // The local cloud's what-if shows the noise real ARM shows; the summary names it and the report behind it.
    expect(step.summary).toMatch(/\d+ changed properties of 5 resources set aside as known what-if noise/);
    expect(step.summary).toMatch(
      /\| Microsoft\.Network\/natGateways \S+ \| `sku\.tier` \| Azure\/arm-template-whatif#418 \|/,
    );
  });

  it('an out-of-band change makes what-if report it, and fail-on-changes fail', async () => {
    const vnet = (await network.virtualNetworks.list('rg-e2e').next()).value!;
    await network.virtualNetworks.updateTags('rg-e2e', vnet.name!, {
      tags: { ...vnet.tags, environment: 'drifted' },
    });
    const step = await deployStep({
      template: forwarder,
      'resource-group': 'rg-e2e',
      'deployment-name': 'forwarder',
      mode: 'what-if',
      'fail-on-changes': 'true',
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs['has-changes']).toBe('true');
    expect(step.errors).toHaveLength(1);
    expect(step.errors[0]).toMatch(
      /^What-if found changes \(Modify 1, NoChange \d+, Ignore 1\) and fail-on-changes is true/,
    );
    expect(step.summary).toContain(`| Modify | Microsoft.Network/virtualNetworks | ${vnet.name} |`);
    expect(step.summary).toContain('tags.environment: "drifted" → "example"');
  });

  it('shows the failing operation of a failed resource, with its message and what to do', async () => {
    await admin.addFault({
      method: 'PUT',
      pathPattern: '/privateEndpoints/',
      failLongRunning: {
        code: 'PrivateEndpointCreationNotAllowed',
        message: 'Policy denies private endpoints here.',
      },
    });
    const step = await deployStep({
      template: forwarder,
      'resource-group': 'rg-e2e-fail',
      'deployment-name': 'broken',
    });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toHaveLength(1);
    expect(step.errors[0]).toMatch(
      /^Deployment broken failed: Microsoft\.Network\/privateEndpoints pe-\S+: PrivateEndpointCreationNotAllowed: Policy denies private endpoints here\./,
    );
    expect(step.errors[0]).toMatch(/correlation id/i);
    expect(step.summary).toContain('Deployment broken failed');
  });

  it.each([
    [
      { template: 'bicep/forwarder/missing.bicepparam' },
      /^Input template names "bicep\/forwarder\/missing.bicepparam", which does not exist/,
    ],
    [
      { 'parameter-overrides': 'notAParameter=1' },
      /^Input parameter-overrides sets the parameter "notAParameter", which the template does not declare/,
    ],
    [
      { 'parameter-overrides': 'instanceCount: [1' },
      /^Input parameter-overrides could not be read: it is not valid YAML/,
    ],
    [{ 'deployment-name': 'has spaces!' }, /^Input deployment-name is "has spaces!"/],
    [{ 'resource-group': 'rg.' }, /^Input resource-group is "rg\."/],
  ])('bad input %j: one sentence, and no call reaches the cloud', async (inputs, sentence) => {
    await admin.clearCalls();
    const step = await deployStep({ template: forwarder, 'resource-group': 'rg-e2e', ...inputs });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toHaveLength(1);
    expect(step.errors[0]).toMatch(sentence);
    expect(await admin.calls()).toEqual([]);
  });

  it('a job whose subject has no federated credential fails naming its subject and the one expected', async () => {
    const step = await deployStep(
      { template: forwarder, 'resource-group': 'rg-e2e', mode: 'validate' },
      'feature',
    );
    expect(step.exitCode).toBe(1);
    expect(step.errors[0]).toContain("presented (subject 'repo:azpn/infra:ref:refs/heads/feature'");
    expect(step.errors[0]).toContain("the credential expects subject 'repo:azpn/infra:ref:refs/heads/main'");
  });
});

describe('deploy keeps secure values secret', () => {
  it('masks a secure parameter, publishes no secure output, and shows neither (GitHub runner)', async () => {
    const step = await deployStep({
      template: secureTemplate,
      'parameter-overrides': `apiToken=${apiToken}`,
      'resource-group': 'rg-secure-gh',
      'deployment-name': 'secure',
    });
    expect(step.errors).toEqual([]);
    expect(step.masks).toContain(apiToken);
    expect(step.outputs.zoneId).toMatch(/\/privateDnsZones\/secure\.test$/);
    expect(step.outputs).not.toHaveProperty('tokenEcho');
    expect(Object.values(step.outputs)).not.toContain(apiToken);
    // The raw stdout the runner receives holds the value only inside its add-mask commands.
    expect(step.stdout).toContain(`::add-mask::${apiToken}`);
    expect(secretLeaks(step, [apiToken], { secretOutputs: [`Bearer ${apiToken}`] })).toEqual([]);
  });
});

describe('deploy on the Azure DevOps agent, through a workload identity service connection', () => {
  it('runs what-if and sets the output variables', async () => {
    const task = await adoTask({
      template: forwarder,
      resourceGroup: 'rg-e2e',
      deploymentName: 'forwarder',
      mode: 'what-if',
    });
    expect(task.errors).toEqual([]);
    expect(task.result).toBe('Succeeded');
    expect(task.outputs.hasChanges?.value).toBe('true');
    expect(task.summaries.join('\n')).toContain('| Modify | Microsoft.Network/virtualNetworks |');
  });

  it('deploys with a secure parameter: output variables set, the secure output withheld, the value masked', async () => {
    const task = await adoTask({
      template: secureTemplate,
      parameterOverrides: `apiToken=${apiToken}`,
      resourceGroup: 'rg-secure-ado',
      deploymentName: 'secure',
      mode: 'deploy',
    });
    expect(task.errors).toEqual([]);
    expect(task.result).toBe('Succeeded');
    expect(task.outputs.zoneId?.value).toMatch(/\/privateDnsZones\/secure\.test$/);
    expect(task.outputs).not.toHaveProperty('tokenEcho');
    expect(task.secrets).toContain(apiToken);
    // The agent's stdout carries the value only in the commands that register it as a secret.
    expect(task.stdout).toMatch(new RegExp(`##vso\\[task\\.setsecret\\]${apiToken}`));
    expect(secretLeaks(task, [apiToken])).toEqual([]);
  });
});
