import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeploymentStacksClient, type DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { ResourceManagementClient } from '@azure/arm-resources';
import { LocalCloudAdmin, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { armRequest, cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';
import { groupTemplate, landingZoneTemplate, stackScenario } from './stack-fixtures.js';

// Deployment stacks through the Azure SDK's stacks client (its LRO handling proves the protocol) and raw (ARM's
// routes, statuses and headers): create, update that drops a resource (detached, then deleted), validate, delete
// with its resources, at resource-group and subscription scope.
const poll = { updateIntervalInMs: 10 };
const rg = 'rg-stacks';

let local: LocalCloud;
let access: CloudSdkAccess;
let stacks: DeploymentStacksClient;
let resources: ResourceManagementClient;

const stack = (template: Record<string, unknown>, unmanage: 'delete' | 'detach'): DeploymentStack => ({
  properties: {
    template,
    actionOnUnmanage: { resources: unmanage, resourceGroups: unmanage },
    denySettings: { mode: 'none' },
  },
});

const groupId = (name = rg) => `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${name}`;
const vnetId = () => `${groupId()}/providers/Microsoft.Network/virtualNetworks/app-net`;
const identityId = () => `${groupId()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id`;

async function exists(id: string, apiVersion: string): Promise<boolean> {
  try {
    await resources.resources.getById(id, apiVersion);
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

beforeAll(async () => {
  local = await startLocalCloud({ scenario: stackScenario() });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  stacks = new DeploymentStacksClient(access.credential, local.cloud.subscriptionId, access.options);
  resources = new ResourceManagementClient(access.credential, local.cloud.subscriptionId, access.options);
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
});

afterAll(async () => {
  await local.stop();
});

describe('deployment stacks at resource-group scope', () => {
  it('creates a stack that manages what its deployment created, with the deployment and its outputs', async () => {
    const created = await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'app',
      stack(groupTemplate(true), 'detach'),
      poll,
    );
    expect(created.properties?.provisioningState).toBe('succeeded');
    expect(created.properties?.resources?.map((r) => r.id).sort()).toEqual([identityId(), vnetId()].sort());
    expect(
      created.properties?.resources?.every((r) => r.status === 'managed' && r.denyStatus === 'none'),
    ).toBe(true);
    expect(created.properties?.outputs).toEqual({ vnetId: { type: 'String', value: vnetId() } });
    expect(created.properties?.deploymentId).toMatch(
      new RegExp(`^${groupId()}/providers/Microsoft.Resources/deployments/app-`),
    );
    expect(await exists(vnetId(), '2024-05-01')).toBe(true);
    const listed: string[] = [];
    for await (const s of stacks.deploymentStacks.listAtResourceGroup(rg)) listed.push(s.name!);
    expect(listed).toEqual(['app']);
  });

  it('detaches a resource the new version drops when actionOnUnmanage says detach', async () => {
    const updated = await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'app',
      stack(groupTemplate(false), 'detach'),
      poll,
    );
    expect(updated.properties?.detachedResources?.map((r) => r.id)).toEqual([identityId()]);
    expect(updated.properties?.deletedResources).toEqual([]);
    expect(updated.properties?.resources?.map((r) => r.id)).toEqual([vnetId()]);
    expect(await exists(identityId(), '2023-01-31')).toBe(true);
  });

  it('deletes a resource the new version drops when actionOnUnmanage says delete', async () => {
    await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'app',
      stack(groupTemplate(true), 'delete'),
      poll,
    );
    const updated = await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'app',
      stack(groupTemplate(false), 'delete'),
      poll,
    );
    expect(updated.properties?.deletedResources?.map((r) => r.id)).toEqual([identityId()]);
    expect(updated.properties?.detachedResources).toEqual([]);
    expect(await exists(identityId(), '2023-01-31')).toBe(false);
    expect(await exists(vnetId(), '2024-05-01')).toBe(true);
  });

  it('validates a stack without deploying it, and refuses a template that cannot deploy', async () => {
    const validated = await stacks.deploymentStacks.beginValidateStackAtResourceGroupAndWait(
      rg,
      'check',
      stack(groupTemplate(true), 'detach'),
      poll,
    );
    expect(validated.properties?.validatedResources?.map((r) => r.id)).toEqual(
      expect.arrayContaining([identityId()]),
    );
    await expect(stacks.deploymentStacks.getAtResourceGroup(rg, 'check')).rejects.toMatchObject({
      statusCode: 404,
    });
    const broken = {
      ...groupTemplate(false),
      outputs: { bad: { type: 'string', value: "[parameters('missing')]" } },
    };
    await expect(
      stacks.deploymentStacks.beginValidateStackAtResourceGroupAndWait(
        rg,
        'check',
        stack(broken, 'detach'),
        poll,
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers ARM’s shapes: 201 with Azure-AsyncOperation at the location, a status resource, 202 for a delete', async () => {
    const body = stack(groupTemplate(false), 'detach');
    const path = `${groupId()}/providers/Microsoft.Resources/deploymentStacks/raw?api-version=2024-03-01`;
    const put = await armRequest(local.cloud, access, 'PUT', path, body);
    expect(put.status).toBe(201);
    expect((put.body as { properties: { provisioningState: string } }).properties.provisioningState).toBe(
      'creating',
    );
    const status = new URL(put.headers['azure-asyncoperation'] as string);
    expect(status.pathname).toMatch(
      new RegExp(
        `^/subscriptions/${local.cloud.subscriptionId}/providers/Microsoft.Resources/locations/westeurope/deploymentStackOperationStatus/[0-9a-f-]{36}$`,
      ),
    );
    let polled: { status: string; name: string } = { status: '', name: '' };
    for (let i = 0; i < 200 && polled.status !== 'succeeded'; i++) {
      polled = (await armRequest(local.cloud, access, 'GET', `${status.pathname}${status.search}`))
        .body as typeof polled;
      if (polled.status !== 'succeeded') await new Promise((r) => setTimeout(r, 20));
    }
    expect(polled).toMatchObject({ status: 'succeeded', name: status.pathname.split('/').pop() });
    const deleted = await armRequest(local.cloud, access, 'DELETE', path);
    expect(deleted.status).toBe(202);
    expect(deleted.body).toBeUndefined();
    expect(deleted.headers['azure-asyncoperation']).toMatch(/deploymentStackOperationStatus/);
  });

  it('deletes the stack with its resources, and answers 204 for a stack already gone', async () => {
    await stacks.deploymentStacks.beginDeleteAtResourceGroupAndWait(rg, 'app', {
      ...poll,
      unmanageActionResources: 'delete',
    });
    expect(await exists(vnetId(), '2024-05-01')).toBe(false);
    await expect(stacks.deploymentStacks.getAtResourceGroup(rg, 'app')).rejects.toMatchObject({
      statusCode: 404,
      code: 'DeploymentStackNotFound',
    });
    const again = await armRequest(
      local.cloud,
      access,
      'DELETE',
      `${groupId()}/providers/Microsoft.Resources/deploymentStacks/app?api-version=2024-03-01`,
    );
    expect(again.status).toBe(204);
  });

  it('refuses a run that deletes while the stack’s last run failed, unless the out-of-sync check is bypassed', async () => {
    const admin = new LocalCloudAdmin(local.cloud);
    await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'flaky',
      stack(groupTemplate(true), 'detach'),
      poll,
    );
    await admin.addFault({
      method: 'PUT',
      pathPattern: 'virtualNetworks/app-net',
      count: 1,
      failLongRunning: { code: 'InternalServerError', message: 'The network provider failed.' },
    });
    await expect(
      stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
        rg,
        'flaky',
        stack(groupTemplate(true), 'detach'),
        poll,
      ),
    ).rejects.toThrow(/DeploymentStackDeploymentFailed/);
    const failed = await stacks.deploymentStacks.getAtResourceGroup(rg, 'flaky');
    expect(failed.properties?.failedResources?.map((r) => r.id)).toEqual([vnetId()]);
    await expect(
      stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
        rg,
        'flaky',
        stack(groupTemplate(false), 'delete'),
        poll,
      ),
    ).rejects.toMatchObject({ statusCode: 400, code: 'DeploymentStackOutOfSync' });
    expect(await exists(identityId(), '2023-01-31')).toBe(true);
    const bypassed = stack(groupTemplate(false), 'delete');
    bypassed.properties!.bypassStackOutOfSyncError = true;
    const updated = await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'flaky',
      bypassed,
      poll,
    );
    expect(updated.properties?.deletedResources?.map((r) => r.id)).toEqual([identityId()]);
  });
});

describe('deployment stacks at subscription scope', () => {
  const sub = (
    template: Record<string, unknown>,
    groupName: string,
    unmanage: 'delete' | 'detach',
  ): DeploymentStack => ({
    location: 'westeurope',
    properties: {
      template,
      parameters: { groupName: { value: groupName } },
      actionOnUnmanage: { resources: unmanage, resourceGroups: unmanage },
      denySettings: { mode: 'none' },
    },
  });

  it('creates a resource group and its module’s resources, and deletes the group when a new version drops it', async () => {
    const created = await stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait(
      'landing',
      sub(landingZoneTemplate(), 'rg-stack-a', 'delete'),
      poll,
    );
    const hub = `${groupId('rg-stack-a')}/providers/Microsoft.Network/virtualNetworks/hub`;
    expect(created.properties?.resources?.map((r) => r.id).sort()).toEqual(
      [groupId('rg-stack-a'), hub].sort(),
    );
    expect(created.location).toBe('westeurope');
    const moved = await stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait(
      'landing',
      sub(landingZoneTemplate(), 'rg-stack-b', 'delete'),
      poll,
    );
    expect(moved.properties?.deletedResources?.map((r) => r.id).sort()).toEqual(
      [groupId('rg-stack-a'), hub].sort(),
    );
    expect((await resources.resourceGroups.checkExistence('rg-stack-a')).body).toBe(false);
    expect((await resources.resourceGroups.checkExistence('rg-stack-b')).body).toBe(true);
    await stacks.deploymentStacks.beginDeleteAtSubscriptionAndWait('landing', {
      ...poll,
      unmanageActionResources: 'delete',
      unmanageActionResourceGroups: 'delete',
    });
    expect((await resources.resourceGroups.checkExistence('rg-stack-b')).body).toBe(false);
  });

  it('requires a location at subscription scope', async () => {
    const body = sub(landingZoneTemplate(), 'rg-nowhere', 'detach');
    delete body.location;
    await expect(
      stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('nowhere', body, poll),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'LocationRequired',
    });
  });
});
