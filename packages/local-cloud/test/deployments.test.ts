import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { NetworkManagementClient } from '@azure/arm-network';
import { compileParams, snapshotWithBicep, type BicepSnapshot } from '@azpn/bicep';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { whatIfLeaves } from './what-if-leaves.js';
import { cloudSdkAccess } from '../src/test-support.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'deployment', 'main.bicepparam');
const rg = 'rg-deploy';
const poll = { updateIntervalInMs: 20 };

let local: LocalCloud;
let admin: LocalCloudAdmin;
let deployments: DeploymentsClient;
let network: NetworkManagementClient;
let resources: ResourceManagementClient;
let credential: ClientSecretCredential;
let template: Record<string, unknown>;
let snapshot: BicepSnapshot;

/** The values the snapshot knows before deployment; `[...]` expressions need runtime state. */
function concrete(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(concrete);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !(typeof v === 'string' && v.startsWith('[')) && v !== undefined)
      .map(([k, v]) => [k, concrete(v)]),
  );
}

const parameters = (prefix: string) => ({ prefix: { value: prefix } });
const deploy = (name: string, prefix: string, mode: 'Incremental' | 'Complete' = 'Incremental') =>
  deployments.deployments.createOrUpdate(
    rg,
    name,
    { properties: { template, parameters: parameters(prefix), mode } },
    poll,
  );

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 30, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  const access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  const options = access.options;
  deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  resources = new ResourceManagementClient(credential, local.cloud.subscriptionId, options);
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const built = await compileParams(fixture);
  template = built.template!;
  snapshot = await snapshotWithBicep(fixture, {
    tenantId: local.cloud.tenantId,
    subscriptionId: local.cloud.subscriptionId,
    resourceGroup: rg,
    location: 'westeurope',
    deploymentName: 'main',
  });
});
afterAll(async () => local.stop());

describe('deployments through the unmodified SDK', () => {
  it('deploys a compiled Bicep template: outputs from runtime state, resources as bicep snapshot predicts', async () => {
    const result = await deploy('main', 'demo');
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const subnet = await network.subnets.get(rg, 'demo-vnet', 'apps');
    expect(result.properties?.outputs).toEqual({
      subnetId: { type: 'String', value: subnet.id },
      identityName: { type: 'String', value: 'demo-id' },
      prefixCount: { type: 'Int', value: 1 },
    });
    expect(result.properties?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.properties?.duration).toMatch(/^PT[\d.]+S$/);

    // Every resource the real engine predicts exists, with the values it predicts concretely.
    for (const predicted of snapshot.predictedResources) {
      const id = predicted.id as string;
      const read = await resources.resources.getById(id, predicted.apiVersion as string);
      expect(read.id?.toLowerCase()).toBe(id.toLowerCase());
      expect(read).toMatchObject(concrete({ location: predicted.location, tags: predicted.tags }) as object);
    }
    const vnet = await network.virtualNetworks.get(rg, 'demo-vnet');
    const predictedVnet = snapshot.predictedResources.find((r) => r.name === 'demo-vnet')!;
    expect(vnet.addressSpace).toEqual((predictedVnet.properties as { addressSpace: unknown }).addressSpace);
  });

  it('lists operations for resources and the module, with and without the provider segment', async () => {
    const operations = [];
    for await (const operation of deployments.deploymentOperations.list(rg, 'main'))
      operations.push(operation);
    const targets = operations.map((o) => o.properties?.targetResource?.resourceType);
    expect(targets.sort()).toEqual(['Microsoft.Network/virtualNetworks', 'Microsoft.Resources/deployments']);
    expect(operations.every((o) => o.properties?.provisioningState === 'Succeeded')).toBe(true);
    const nested = [];
    for await (const operation of deployments.deploymentOperations.list(rg, 'identity'))
      nested.push(operation);
    expect(nested.map((o) => o.properties?.targetResource?.resourceName)).toEqual(['demo-id']);
    const token = (await credential.getToken(`${local.cloud.audience}.default`)).token;
    const legacy = await cloudRequest(
      local.cloud.caPem,
      'GET',
      `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups/${rg}/deployments/main/operations?api-version=2024-03-01`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect((legacy.body as { value: unknown[] }).value).toHaveLength(2);
  });

  it('what-if after a redeploy: only the noise ARM shows; an out-of-band change with its delta besides', async () => {
    await deploy('main', 'demo');
    const unchanged = await deployments.deployments.whatIf(
      rg,
      'main',
      { properties: { template, parameters: parameters('demo'), mode: 'Incremental' } },
      poll,
    );
    // The subnet's network policies the template leaves to the service show as removed, as ARM shows them
    // (Azure/arm-template-whatif#184, #284): noise that the drift check's rules recognise.
    const subnetNoise = [
      'Delete properties.subnets.0.properties.privateEndpointNetworkPolicies: "Disabled" → ∅',
      'Delete properties.subnets.0.properties.privateLinkServiceNetworkPolicies: "Enabled" → ∅',
    ];
    expect(unchanged.changes?.map((c) => [c.changeType, whatIfLeaves(c.delta)])).toEqual([
      ['Modify', subnetNoise],
      ['NoChange', []],
    ]);

    await network.virtualNetworks.updateTags(rg, 'demo-vnet', { tags: { env: 'prod', owner: 'someone' } });
    const drifted = await deployments.deployments.whatIf(
      rg,
      'main',
      { properties: { template, parameters: parameters('demo'), mode: 'Incremental' } },
      poll,
    );
    const vnetChange = drifted.changes?.find((c) => c.resourceId?.endsWith('/demo-vnet'));
    expect(vnetChange?.changeType).toBe('Modify');
    expect(whatIfLeaves(vnetChange?.delta)).toEqual([
      'Modify tags.env: "prod" → "test"',
      'Delete tags.owner: "someone" → ∅',
      ...subnetNoise,
    ]);
    const other = await deployments.deployments.whatIf(
      rg,
      'other',
      { properties: { template, parameters: parameters('new'), mode: 'Incremental' } },
      poll,
    );
    expect(other.changes?.filter((c) => c.changeType === 'Create')).toHaveLength(2);
    expect(other.changes?.filter((c) => c.changeType === 'Ignore')).toHaveLength(2);
  });

  it('what-if reports a changed item of a plain array at its index, and HEAD answers existence', async () => {
    const vnet = await network.virtualNetworks.get(rg, 'demo-vnet');
    await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'demo-vnet',
      { ...vnet, addressSpace: { addressPrefixes: ['10.41.0.0/16'] }, subnets: [] },
      poll,
    );
    const result = await deployments.deployments.whatIf(
      rg,
      'main',
      { properties: { template, parameters: parameters('demo'), mode: 'Incremental' } },
      poll,
    );
    const change = result.changes?.find((c) => c.resourceId?.endsWith('/demo-vnet'));
    expect(change?.delta).toContainEqual({
      path: 'properties.addressSpace.addressPrefixes',
      propertyChangeType: 'Array',
      children: [{ path: '0', propertyChangeType: 'Modify', before: '10.41.0.0/16', after: '10.40.0.0/16' }],
    });
    const identity = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/demo-id`;
    expect(await resources.resources.checkExistenceById(identity, '2023-01-31')).toMatchObject({
      body: true,
    });
    expect(await resources.resources.checkExistenceById(`${identity}-absent`, '2023-01-31')).toMatchObject({
      body: false,
    });
    await deploy('main', 'demo');
  });

  it('fails a deployment whose resource fails, with DeploymentFailed and the JSON-in-string detail', async () => {
    await admin.addFault({
      method: 'PUT',
      pathPattern: 'userAssignedIdentities/broken-id$',
      failLongRunning: { code: 'QuotaExceeded', message: 'No identities left in this region.' },
    });
    const error = await deploy('broken', 'broken').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/DeploymentFailed|deployment operation failed/);
    const got = await deployments.deployments.get(rg, 'broken');
    expect(got.properties?.provisioningState).toBe('Failed');
    const detail = got.properties?.error?.details?.[0];
    expect(detail?.code).toBe('DeploymentFailed');
    const inner = detail?.details?.[0];
    expect(JSON.parse(inner?.message ?? '')).toEqual({
      error: { code: 'QuotaExceeded', message: 'No identities left in this region.' },
    });
    const failed = [];
    for await (const operation of deployments.deploymentOperations.list(rg, 'identity')) {
      if (operation.properties?.provisioningState === 'Failed') failed.push(operation);
    }
    expect(failed[0]?.properties?.statusMessage).toEqual({
      status: 'Failed',
      error: { code: 'QuotaExceeded', message: 'No identities left in this region.' },
    });
  });

  it('validates: 200 with the resources, 400 InvalidTemplateDeployment naming a bad parameter', async () => {
    const ok = await deployments.deployments.validate(rg, 'check', {
      properties: { template, parameters: parameters('ok'), mode: 'Incremental' },
    });
    expect(ok.properties?.validatedResources?.map((r) => r.id?.split('/').pop()).sort()).toEqual([
      'identity',
      'ok-id',
      'ok-vnet',
    ]);
    // The SDK treats the 400 (a declared response of validate) as a failed operation.
    await expect(
      deployments.deployments.validate(rg, 'check', {
        properties: { template, parameters: parameters('much-too-long-prefix'), mode: 'Incremental' },
      }),
    ).rejects.toThrow();
    const direct = await cloudRequest(
      local.cloud.caPem,
      'POST',
      `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups/${rg}/providers/Microsoft.Resources/deployments/check/validate?api-version=2024-03-01`,
      {
        headers: {
          authorization: `Bearer ${(await credential.getToken(`${local.cloud.audience}.default`)).token}`,
        },
        body: {
          properties: { template, parameters: parameters('much-too-long-prefix'), mode: 'Incremental' },
        },
      },
    );
    expect(direct.status).toBe(400);
    const error = (direct.body as { error: { code: string; details: { message: string }[] } }).error;
    expect(error.code).toBe('InvalidTemplateDeployment');
    expect(error.details[0]?.message).toMatch(/'prefix'/);
  });

  it('Complete mode deletes what the template does not declare', async () => {
    await resources.resources.beginCreateOrUpdateByIdAndWait(
      `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/stray`,
      '2023-01-31',
      { location: 'westeurope' },
    );
    const result = await deploy('complete', 'demo', 'Complete');
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const names = [];
    for await (const r of resources.resources.listByResourceGroup(rg)) names.push(r.name);
    expect(names.sort()).toEqual(['demo-id', 'demo-vnet']);
  });

  it('cancels a running deployment', async () => {
    await admin.addFault({
      method: 'PUT',
      pathPattern: 'virtualNetworks/slow-vnet$',
      slowLongRunningMs: 60_000,
    });
    const poller = deployments.deployments.createOrUpdate(rg, 'slow', {
      properties: { template, parameters: parameters('slow'), mode: 'Incremental' },
    });
    await poller.submitted();
    await deployments.deployments.cancel(rg, 'slow');
    const got = await deployments.deployments.get(rg, 'slow');
    expect(got.properties?.provisioningState).toBe('Canceled');
    await expect(deployments.deployments.cancel(rg, 'slow')).rejects.toMatchObject({
      code: 'DeploymentCannotBeCancelled',
    });
  });
});
