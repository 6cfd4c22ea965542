import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient, type DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { armRequest, cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';

// Deployments at subscription scope, through the SDK (its LRO handling proves the shapes) and raw (ARM's exact
// routes, statuses and headers): a template that creates a resource group and deploys a module into it.
const template = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'subscription', 'landing-zone.json'), 'utf8'),
) as Record<string, unknown>;
const poll = { updateIntervalInMs: 10 };

let local: LocalCloud;
let access: CloudSdkAccess;
let deployments: DeploymentsClient;
let resources: ResourceManagementClient;

const subPath = (suffix: string) =>
  `/subscriptions/${local.cloud.subscriptionId}/providers/Microsoft.Resources/deployments/${suffix}`;

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 50, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  deployments = new DeploymentsClient(access.credential, local.cloud.subscriptionId, access.options);
  resources = new ResourceManagementClient(access.credential, local.cloud.subscriptionId, access.options);
});

afterAll(async () => {
  await local.stop();
});

describe('deployments at subscription scope', () => {
  it('creates a resource group and deploys a module into it, the nested deployment kept at the group', async () => {
    const result = await deployments.deployments.createOrUpdateAtSubscriptionScope(
      'landing',
      {
        location: 'West Europe',
        properties: { mode: 'Incremental', template, parameters: { groupName: { value: 'rg-sub-a' } } },
      },
      poll,
    );
    const sub = local.cloud.subscriptionId;
    expect(result.id).toBe(subPath('landing'));
    expect(result.properties?.provisioningState).toBe('Succeeded');
    expect(result.location).toBe('westeurope');
    expect(result.properties?.outputs).toEqual({
      vnetId: {
        type: 'String',
        value: `/subscriptions/${sub}/resourceGroups/rg-sub-a/providers/Microsoft.Network/virtualNetworks/hub`,
      },
      groupId: { type: 'String', value: `/subscriptions/${sub}/resourceGroups/rg-sub-a` },
    });
    const group = await resources.resourceGroups.get('rg-sub-a');
    expect(group).toMatchObject({ location: 'westeurope', tags: { purpose: 'landing' } });
    const nested = await deployments.deployments.get('rg-sub-a', 'network');
    expect(nested.properties?.provisioningState).toBe('Succeeded');
    const operations: DeploymentOperation[] = [];
    for await (const o of deployments.deploymentOperations.listAtSubscriptionScope('landing'))
      operations.push(o);
    expect(operations.map((o) => o.properties?.targetResource?.id).sort()).toEqual([
      `/subscriptions/${sub}/resourceGroups/rg-sub-a`,
      `/subscriptions/${sub}/resourceGroups/rg-sub-a/providers/Microsoft.Resources/deployments/network`,
    ]);
    const listed: string[] = [];
    for await (const d of deployments.deployments.listAtSubscriptionScope()) listed.push(d.name!);
    expect(listed).toEqual(['landing']);
    // The nested deployment lives at its group, not at the subscription.
    expect(await deployments.deployments.checkExistenceAtSubscriptionScope('network')).toMatchObject({
      body: false,
    });
  });

  it('answers the PUT with ARM’s 201 and an Azure-AsyncOperation status at the subscription', async () => {
    const body = {
      location: 'westeurope',
      properties: { mode: 'Incremental', template, parameters: { groupName: { value: 'rg-sub-b' } } },
    };
    const put = await armRequest(
      local.cloud,
      access,
      'PUT',
      `${subPath('raw')}?api-version=2024-03-01`,
      body,
    );
    expect(put.status).toBe(201);
    const status = new URL(put.headers['azure-asyncoperation'] as string);
    expect(status.pathname).toMatch(
      new RegExp(
        `^/subscriptions/${local.cloud.subscriptionId}/providers/Microsoft.Resources/deployments/raw/operationStatuses/[0-9A-F]+$`,
      ),
    );
    let state = '';
    for (let i = 0; i < 200 && state !== 'Succeeded'; i++) {
      const polled = await armRequest(local.cloud, access, 'GET', `${status.pathname}${status.search}`);
      state = (polled.body as { status: string }).status;
      if (state !== 'Succeeded') await new Promise((r) => setTimeout(r, 20));
    }
    expect(state).toBe('Succeeded');
    const deleted = await armRequest(
      local.cloud,
      access,
      'DELETE',
      `${subPath('raw')}?api-version=2024-03-01`,
    );
    expect(deleted.status).toBe(202);
    expect(deleted.headers.location).toMatch(/\/subscriptions\/[^/]+\/operationresults\//);
  });

  it('refuses a deployment without a location with ARM’s InvalidDeployment sentence', async () => {
    const body = { properties: { mode: 'Incremental', template } };
    const put = await armRequest(
      local.cloud,
      access,
      'PUT',
      `${subPath('nowhere')}?api-version=2024-03-01`,
      body,
    );
    expect(put.status).toBe(400);
    expect((put.body as { error: unknown }).error).toMatchObject({
      code: 'InvalidDeployment',
      message:
        "The 'location' property must be specified for 'nowhere'. Please see https://aka.ms/arm-deployment-subscription for usage details.",
    });
    const unknown = await armRequest(
      local.cloud,
      access,
      'PUT',
      `${subPath('nowhere')}?api-version=2024-03-01`,
      {
        ...body,
        location: 'atlantis',
      },
    );
    expect((unknown.body as { error: { code: string } }).error.code).toBe(
      'LocationNotAvailableForDeployment',
    );
    expect(await deployments.deployments.checkExistenceAtSubscriptionScope('nowhere')).toMatchObject({
      body: false,
    });
  });

  it('refuses a resource-group template at subscription scope, saying where to deploy it', async () => {
    const groupTemplate = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [],
    };
    await expect(
      deployments.deployments.createOrUpdateAtSubscriptionScope(
        'misplaced',
        { location: 'westeurope', properties: { mode: 'Incremental', template: groupTemplate } },
        poll,
      ),
    ).rejects.toMatchObject({
      code: 'InvalidTemplate',
      message: expect.stringContaining('name the resource group'),
    });
  });

  it('validates and runs what-if at subscription scope against the real state', async () => {
    const request = {
      location: 'westeurope',
      properties: {
        mode: 'Incremental' as const,
        template,
        parameters: { groupName: { value: 'rg-sub-a' }, prefix: { value: '10.61' } },
      },
    };
    const validated = await deployments.deployments.validateAtSubscriptionScope('check', request, poll);
    expect(validated.properties?.validatedResources?.map((r) => r.id)).toEqual(
      expect.arrayContaining([`/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-sub-a`]),
    );
    const whatIf = await deployments.deployments.whatIfAtSubscriptionScope('check', request, poll);
    const byId = new Map(whatIf.changes?.map((c) => [c.resourceId, c]));
    const sub = local.cloud.subscriptionId;
    expect(byId.get(`/subscriptions/${sub}/resourceGroups/rg-sub-a`)?.changeType).toBe('NoChange');
    const vnet = byId.get(
      `/subscriptions/${sub}/resourceGroups/rg-sub-a/providers/Microsoft.Network/virtualNetworks/hub`,
    );
    expect(vnet?.changeType).toBe('Modify');
    expect(JSON.stringify(vnet?.delta)).toContain('10.61.0.0/16');
  });
});
