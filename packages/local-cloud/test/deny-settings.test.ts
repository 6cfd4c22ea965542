import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeploymentStacksClient,
  type DeploymentStack,
  type DenySettings,
} from '@azure/arm-resourcesdeploymentstacks';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { NetworkManagementClient } from '@azure/arm-network';
import { startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';
import { groupTemplate, landingZoneTemplate, operator, stackScenario } from './stack-fixtures.js';

// Deny settings as ARM enforces them, through the unmodified SDKs: the deployer (who owns the stack but is not
// excluded) and an operator call the Network provider directly, a plain deployment touches a denied resource, and
// the stack's own runs go through.
const poll = { updateIntervalInMs: 10 };
const rg = 'rg-deny';

let local: LocalCloud;
let deployer: CloudSdkAccess;
let stacks: DeploymentStacksClient;
let deployerNetwork: NetworkManagementClient;
let operatorNetwork: NetworkManagementClient;
let resources: ResourceManagementClient;
let deployments: DeploymentsClient;

const vnetId = () =>
  `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/app-net`;

function denied(denySettings: DenySettings, template = groupTemplate(true)): DeploymentStack {
  return { properties: { template, actionOnUnmanage: { resources: 'delete' }, denySettings } };
}

const tagged = (tag: string) => ({
  location: 'westeurope',
  tags: { touched: tag },
  addressSpace: { addressPrefixes: ['10.70.0.0/16'] },
});

beforeAll(async () => {
  local = await startLocalCloud({ scenario: stackScenario() });
  trustCloudCa(local.cloud.caPem);
  deployer = cloudSdkAccess(local.cloud);
  const ops = cloudSdkAccess(local.cloud, { principal: operator });
  const sub = local.cloud.subscriptionId;
  stacks = new DeploymentStacksClient(deployer.credential, sub, deployer.options);
  deployerNetwork = new NetworkManagementClient(deployer.credential, sub, deployer.options);
  operatorNetwork = new NetworkManagementClient(ops.credential, sub, ops.options);
  resources = new ResourceManagementClient(deployer.credential, sub, deployer.options);
  deployments = new DeploymentsClient(deployer.credential, sub, deployer.options);
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
});

afterAll(async () => {
  await local.stop();
});

describe('deny settings of a deployment stack', () => {
  it('refuses a write and a delete by a principal that is not excluded, with ARM’s 403 and sentence', async () => {
    const stack = await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'locked',
      denied({ mode: 'denyWriteAndDelete' }),
      poll,
    );
    expect(stack.properties?.resources?.every((r) => r.denyStatus === 'denyWriteAndDelete')).toBe(true);
    const write = operatorNetwork.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'app-net',
      tagged('operator'),
      poll,
    );
    await expect(write).rejects.toMatchObject({ statusCode: 403, code: 'DenyAssignmentAuthorizationFailed' });
    const error = await operatorNetwork.virtualNetworks
      .beginDeleteAndWait(rg, 'app-net', poll)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 403, code: 'DenyAssignmentAuthorizationFailed' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^The client '${operator.clientId}' with object id '${operator.objectId}' has permission to perform action 'Microsoft.Network/virtualNetworks/delete' on scope '${vnetId()}'; however, the access is denied because of the deny assignment with name 'Deny assignment '[0-9a-f]{32}' created by Deployment Stack '${stack.id}'.' and Id '[0-9a-f]{32}' at scope '${vnetId()}'.$`,
      ),
    );
    // The stack's owner is not excluded either: deny assignments bind whoever is not named.
    await expect(
      deployerNetwork.virtualNetworks.beginDeleteAndWait(rg, 'app-net', poll),
    ).rejects.toMatchObject({
      statusCode: 403,
    });
    expect((await deployerNetwork.virtualNetworks.get(rg, 'app-net')).tags).toBeUndefined();
  });

  it('lets an excluded principal, and an excluded action, through', async () => {
    await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'locked',
      denied({
        mode: 'denyWriteAndDelete',
        excludedPrincipals: [operator.objectId],
        excludedActions: ['Microsoft.Network/virtualNetworks/write'],
      }),
      poll,
    );
    const byOperator = await operatorNetwork.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'app-net',
      tagged('operator'),
      poll,
    );
    expect(byOperator.tags).toEqual({ touched: 'operator' });
    const byDeployer = await deployerNetwork.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'app-net',
      tagged('deployer'),
      poll,
    );
    expect(byDeployer.tags).toEqual({ touched: 'deployer' });
    await expect(
      deployerNetwork.virtualNetworks.beginDeleteAndWait(rg, 'app-net', poll),
    ).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('denies only deletes in denyDelete mode, and reaches child resources only with applyToChildScopes', async () => {
    await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'locked',
      denied({ mode: 'denyDelete' }),
      poll,
    );
    await operatorNetwork.virtualNetworks.beginCreateOrUpdateAndWait(rg, 'app-net', tagged('write'), poll);
    const subnet = { addressPrefix: '10.70.1.0/24' };
    await operatorNetwork.subnets.beginCreateOrUpdateAndWait(rg, 'app-net', 'extra', subnet, poll);
    await operatorNetwork.subnets.beginDeleteAndWait(rg, 'app-net', 'extra', poll);
    await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'locked',
      denied({ mode: 'denyDelete', applyToChildScopes: true }),
      poll,
    );
    await operatorNetwork.subnets.beginCreateOrUpdateAndWait(rg, 'app-net', 'extra', subnet, poll);
    await expect(
      operatorNetwork.subnets.beginDeleteAndWait(rg, 'app-net', 'extra', poll),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'DenyAssignmentAuthorizationFailed',
    });
  });

  it('refuses to delete the resource group that holds a denied resource', async () => {
    await expect(resources.resourceGroups.beginDeleteAndWait(rg, poll)).rejects.toMatchObject({
      statusCode: 403,
      code: 'DenyAssignmentAuthorizationFailed',
    });
    expect((await resources.resourceGroups.checkExistence(rg)).body).toBe(true);
  });

  it('fails a plain deployment that writes a denied resource, and lets the stack’s own run write it', async () => {
    await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'locked',
      denied({ mode: 'denyWriteAndDelete' }),
      poll,
    );
    const plain = {
      properties: { mode: 'Incremental' as const, template: groupTemplate(false), parameters: {} },
    };
    await expect(deployments.deployments.createOrUpdate(rg, 'plain', plain, poll)).rejects.toThrow();
    const operations: { code?: string; message?: string }[] = [];
    for await (const o of deployments.deploymentOperations.list(rg, 'plain')) {
      const statusMessage = o.properties?.statusMessage as
        { error?: { code: string; message: string } } | undefined;
      if (o.properties?.provisioningState === 'Failed') operations.push(statusMessage?.error ?? {});
    }
    expect(operations).toEqual([
      expect.objectContaining({
        code: 'DenyAssignmentAuthorizationFailed',
        message: expect.stringContaining(vnetId()),
      }),
    ]);
    // The stack's own update writes the same network (a new address space) through its deny assignment.
    const stack = await stacks.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
      rg,
      'locked',
      {
        properties: {
          ...denied({ mode: 'denyWriteAndDelete' }).properties!,
          parameters: { prefix: { value: '10.71' } },
        },
      },
      poll,
    );
    expect(stack.properties?.provisioningState).toBe('succeeded');
    const vnet = await deployerNetwork.virtualNetworks.get(rg, 'app-net');
    expect(vnet.addressSpace?.addressPrefixes).toEqual(['10.71.0.0/16']);
  });

  it('lifts the deny assignments with the stack: after a detaching delete, the resources can be changed again', async () => {
    await stacks.deploymentStacks.beginDeleteAtResourceGroupAndWait(rg, 'locked', poll);
    await deployerNetwork.virtualNetworks.beginDeleteAndWait(rg, 'app-net', poll);
    await expect(deployerNetwork.virtualNetworks.get(rg, 'app-net')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('denies a write of a resource group a subscription stack manages, but not the stack’s deletion of it', async () => {
    await stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait(
      'zone',
      {
        location: 'westeurope',
        properties: {
          template: landingZoneTemplate(),
          parameters: { groupName: { value: 'rg-deny-zone' } },
          actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' },
          denySettings: { mode: 'denyWriteAndDelete' },
        },
      },
      poll,
    );
    await expect(
      resources.resourceGroups.createOrUpdate('rg-deny-zone', {
        location: 'westeurope',
        tags: { touched: 'yes' },
      }),
    ).rejects.toMatchObject({ statusCode: 403, code: 'DenyAssignmentAuthorizationFailed' });
    await stacks.deploymentStacks.beginDeleteAtSubscriptionAndWait('zone', {
      ...poll,
      unmanageActionResources: 'delete',
      unmanageActionResourceGroups: 'delete',
    });
    expect((await resources.resourceGroups.checkExistence('rg-deny-zone')).body).toBe(false);
  });
});

describe('a stack kept in the snapshot file', () => {
  it('keeps its resources and its deny assignments across a restart, and none of its secure values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'azpn-stacks-'));
    const snapshotFile = join(dir, 'snapshot.json');
    try {
      let cloud = await startLocalCloud({ scenario: stackScenario(), snapshotFile });
      trustCloudCa(cloud.cloud.caPem);
      let access = cloudSdkAccess(cloud.cloud);
      const sub = cloud.cloud.subscriptionId;
      await new ResourceManagementClient(
        access.credential,
        sub,
        access.options,
      ).resourceGroups.createOrUpdate('rg-kept', {
        location: 'westeurope',
      });
      const secret = 'stack-secret-"quoted"\\-9f2c';
      const template = groupTemplate(true) as { parameters: Record<string, unknown> };
      template.parameters.token = { type: 'securestring' };
      const body = denied({ mode: 'denyDelete' }, template);
      body.properties!.parameters = { token: { value: secret } };
      const stacksClient = new DeploymentStacksClient(access.credential, sub, access.options);
      const created = await stacksClient.deploymentStacks.beginCreateOrUpdateAtResourceGroupAndWait(
        'rg-kept',
        'kept',
        body,
        poll,
      );
      expect(created.properties?.parameters).toEqual({ token: {} });
      await cloud.stop();
      const saved = await readFile(snapshotFile, 'utf8');
      expect(saved).toContain('"deployment-stacks"');
      expect(saved).not.toContain('stack-secret');
      cloud = await startLocalCloud({ scenario: stackScenario(), snapshotFile });
      trustCloudCa(cloud.cloud.caPem);
      access = cloudSdkAccess(cloud.cloud);
      const kept = await new DeploymentStacksClient(
        access.credential,
        sub,
        access.options,
      ).deploymentStacks.getAtResourceGroup('rg-kept', 'kept');
      expect(kept.properties?.resources).toHaveLength(2);
      const network = new NetworkManagementClient(access.credential, sub, access.options);
      await expect(
        network.virtualNetworks.beginDeleteAndWait('rg-kept', 'app-net', poll),
      ).rejects.toMatchObject({
        statusCode: 403,
      });
      await cloud.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
