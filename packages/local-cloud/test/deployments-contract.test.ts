import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient, type DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { NetworkManagementClient } from '@azure/arm-network';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type CloudResponse,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

// The deployment contract in the raw protocol and in timing: what the SDK hides (status codes, headers, the
// operation status resource), the parallelism of a wave, and what a failure leaves undone. Templates are plain
// ARM JSON so no Bicep start-up is paid here.
const rg = 'rg-contract';
const api = 'api-version=2024-03-01';
const poll = { updateIntervalInMs: 10 };
const lroMs = 1000;

let local: LocalCloud;
let admin: LocalCloudAdmin;
let credential: ClientSecretCredential;
let deployments: DeploymentsClient;
let resources: ResourceManagementClient;
let network: NetworkManagementClient;

const vnet = (name: string, octet: number, dependsOn: string[] = []) => ({
  type: 'Microsoft.Network/virtualNetworks',
  apiVersion: '2024-05-01',
  name,
  location: '[resourceGroup().location]',
  dependsOn,
  properties: {
    addressSpace: { addressPrefixes: [`10.${octet}.0.0/16`] },
    subnets: [{ name: 'apps', properties: { addressPrefix: `10.${octet}.1.0/24` } }],
  },
});

const identity = (name: string, dependsOn: string[] = []) => ({
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  apiVersion: '2023-01-31',
  name,
  location: '[resourceGroup().location]',
  dependsOn,
});

/** Four independent VNets in one wave, then an identity that waits for all of them. */
const fanIn = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: {
    adminPassword: { type: 'securestring' },
    environment: { type: 'string', defaultValue: 'test' },
  },
  resources: [
    vnet('fan-0', 50),
    vnet('fan-1', 51),
    vnet('fan-2', 52),
    vnet('fan-3', 53),
    identity(
      'fan-id',
      [0, 1, 2, 3].map((i) => `[resourceId('Microsoft.Network/virtualNetworks', 'fan-${i}')]`),
    ),
  ],
  outputs: {
    firstSubnet: {
      type: 'string',
      value:
        "[reference(resourceId('Microsoft.Network/virtualNetworks', 'fan-0'), '2024-05-01').subnets[0].id]",
    },
    environment: { type: 'string', value: "[parameters('environment')]" },
    secret: { type: 'securestring', value: "[parameters('adminPassword')]" },
  },
};

function groupPath(suffix: string): string {
  return `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups/${rg}/${suffix}`;
}

async function arm(method: string, url: string, body?: unknown): Promise<CloudResponse> {
  const token = (await credential.getToken(`${local.cloud.audience}.default`)).token;
  return cloudRequest(local.cloud.caPem, method, url, {
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
  });
}

async function operationsOf(name: string): Promise<DeploymentOperation[]> {
  const list: DeploymentOperation[] = [];
  for await (const operation of deployments.deploymentOperations.list(rg, name)) list.push(operation);
  return list;
}

/** When an operation started and ended, from its timestamp (its end) and its ISO duration. */
function spanOf(operation: DeploymentOperation): { start: number; end: number } {
  const end = operation.properties!.timestamp!.getTime();
  const seconds = Number(/^PT([\d.]+)S$/.exec(operation.properties!.duration!)![1]);
  return { start: end - seconds * 1000, end };
}

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: {
      ...defaultScenario(),
      latencies: { readMs: 0, writeMs: 0, longRunningMs: lroMs, tokenMs: 0 },
    },
  });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  const access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  const options = access.options;
  deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  resources = new ResourceManagementClient(credential, local.cloud.subscriptionId, options);
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
});
afterAll(async () => local.stop());

describe('the deployment protocol, raw', () => {
  it('answers 201 with Azure-AsyncOperation, reports Running then Succeeded, and a GET with every property', async () => {
    const parameters = { adminPassword: { value: 'S3cret!' } };
    const put = await arm('PUT', groupPath(`providers/Microsoft.Resources/deployments/fan?${api}`), {
      properties: { template: fanIn, parameters, mode: 'Incremental' },
    });
    expect(put.status).toBe(201);
    const statusUrl = put.headers['azure-asyncoperation'] as string;
    expect(statusUrl).toMatch(
      /\/resourceGroups\/rg-contract\/providers\/Microsoft\.Resources\/deployments\/fan\/operationStatuses\/[0-9A-F]+\?api-version=2024-03-01$/,
    );
    expect((put.body as { properties: { provisioningState: string } }).properties.provisioningState).toMatch(
      /^(Accepted|Running)$/,
    );
    const running = await arm('GET', statusUrl);
    expect(running.body).toEqual({ status: 'Running' });
    // As ARM: no Retry-After on a deployment's status; the client chooses how often to read it.
    expect(running.headers['retry-after']).toBeUndefined();
    expect(put.headers['retry-after']).toBeUndefined();
    const again = await arm('PUT', groupPath(`providers/Microsoft.Resources/deployments/fan?${api}`), {
      properties: { template: fanIn, parameters, mode: 'Incremental' },
    });
    expect(again.status).toBe(409);
    expect((again.body as { error: { code: string } }).error.code).toBe('DeploymentActive');

    let status = running;
    while ((status.body as { status: string }).status === 'Running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await arm('GET', statusUrl);
    }
    expect(status.body).toEqual({ status: 'Succeeded' });

    const got = await arm('GET', groupPath(`providers/Microsoft.Resources/deployments/fan?${api}`));
    const properties = (got.body as { properties: Record<string, unknown> }).properties;
    const subnet = await network.subnets.get(rg, 'fan-0', 'apps');
    expect(properties).toMatchObject({
      provisioningState: 'Succeeded',
      mode: 'Incremental',
      // ARM never echoes a secure parameter's or output's value.
      parameters: { adminPassword: { type: 'SecureString' }, environment: { type: 'String', value: 'test' } },
      outputs: {
        firstSubnet: { type: 'String', value: subnet.id },
        environment: { type: 'String', value: 'test' },
        secret: { type: 'SecureString' },
      },
    });
    expect(JSON.stringify(got.body)).not.toContain('S3cret!');
    expect(properties.templateHash).toMatch(/^\d+$/);
    expect(new Date(properties.timestamp as string).toISOString()).toBe(properties.timestamp);
    expect((properties.outputResources as { id: string }[]).map((r) => r.id.split('/').pop()).sort()).toEqual(
      ['fan-0', 'fan-1', 'fan-2', 'fan-3', 'fan-id'],
    );
    const dependencies = properties.dependencies as { resourceName: string; dependsOn: { id: string }[] }[];
    expect(dependencies.map((d) => d.resourceName)).toEqual(['fan-id']);
    expect(dependencies[0]!.dependsOn.map((d) => d.id.split('/').pop()).sort()).toEqual([
      'fan-0',
      'fan-1',
      'fan-2',
      'fan-3',
    ]);
    // Each dependency names its type and name too, as ARM's BasicDependency does.
    expect(dependencies[0]!.dependsOn[0]).toEqual({
      id: expect.stringMatching(/\/fan-\d$/),
      resourceType: 'Microsoft.Network/virtualNetworks',
      resourceName: expect.stringMatching(/^fan-\d$/),
    });
  });

  it('runs a wave in parallel and the next wave after it, as the operations’ times show', async () => {
    const operations = await operationsOf('fan');
    const vnets = operations.filter((o) =>
      o.properties?.targetResource?.resourceType?.endsWith('virtualNetworks'),
    );
    const id = operations.find((o) => o.properties?.targetResource?.resourceName === 'fan-id')!;
    expect(vnets).toHaveLength(4);
    const spans = vnets.map(spanOf);
    // Each VNet stays in progress for lroMs; run one after another they would need four times that.
    const latestStart = Math.max(...spans.map((s) => s.start));
    const earliestEnd = Math.min(...spans.map((s) => s.end));
    expect(latestStart).toBeLessThan(earliestEnd);
    expect(spanOf(id).start).toBeGreaterThanOrEqual(Math.max(...spans.map((s) => s.end)) - 1);
    const deployment = await deployments.deployments.get(rg, 'fan');
    const total = Number(/^PT([\d.]+)S$/.exec(deployment.properties!.duration!)![1]) * 1000;
    expect(total).toBeGreaterThanOrEqual(lroMs);
    expect(total).toBeLessThan(3 * lroMs);
  });

  it('serves one operation by id with and without the provider segment, and 404 for an unknown id', async () => {
    const [first] = await operationsOf('fan');
    const operationId = first!.operationId!;
    const withProvider = await arm(
      'GET',
      groupPath(`providers/Microsoft.Resources/deployments/fan/operations/${operationId}?${api}`),
    );
    const without = await arm('GET', groupPath(`deployments/fan/operations/${operationId}?${api}`));
    expect(withProvider.status).toBe(200);
    expect(without.body).toEqual(withProvider.body);
    const body = withProvider.body as { id: string; properties: Record<string, unknown> };
    expect(body.id).toMatch(new RegExp(`/deployments/fan/operations/${operationId}$`));
    expect(body.properties).toMatchObject({
      provisioningOperation: 'Create',
      provisioningState: 'Succeeded',
      statusCode: expect.stringMatching(/^(OK|Created)$/) as unknown,
      targetResource: { id: first!.properties!.targetResource!.id },
    });
    expect(body.properties.trackingId).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await arm('GET', groupPath(`deployments/fan/operations/0000000000000000?${api}`));
    expect(missing.status).toBe(404);
    expect((missing.body as { error: { code: string } }).error.code).toBe('DeploymentOperationNotFound');
  });

  it('validate names a template error in InvalidTemplateDeployment; an unknown deployment is DeploymentNotFound', async () => {
    const broken = { ...fanIn, outputs: { bad: { type: 'string', value: "[notAFunction('x')]" } } };
    const reply = await arm(
      'POST',
      groupPath(`providers/Microsoft.Resources/deployments/bad/validate?${api}`),
      {
        properties: { template: broken, parameters: { adminPassword: { value: 'x' } }, mode: 'Incremental' },
      },
    );
    expect(reply.status).toBe(400);
    const error = (reply.body as { error: { code: string; details: { code: string; message: string }[] } })
      .error;
    expect(error.code).toBe('InvalidTemplateDeployment');
    expect(error.details[0]?.message).toMatch(/notAFunction/);
    const unknown = await arm(
      'GET',
      groupPath(`providers/Microsoft.Resources/deployments/nothing-here?${api}`),
    );
    expect(unknown.status).toBe(404);
    expect((unknown.body as { error: { code: string } }).error.code).toBe('DeploymentNotFound');
  });
});

describe('deployments through the SDK', () => {
  it('lists the group’s deployments and deletes one without touching its resources', async () => {
    await deployments.deployments.createOrUpdate(
      rg,
      'short-lived',
      {
        properties: {
          template: { ...fanIn, resources: [identity('kept-id')], outputs: {} },
          parameters: { adminPassword: { value: 'x' } },
          mode: 'Incremental',
        },
      },
      poll,
    );
    const names = async () => {
      const list: string[] = [];
      for await (const d of deployments.deployments.listByResourceGroup(rg)) list.push(d.name!);
      return list.sort();
    };
    expect(await names()).toEqual(expect.arrayContaining(['fan', 'short-lived']));
    await deployments.deployments.delete(rg, 'short-lived', poll);
    expect(await names()).not.toContain('short-lived');
    const kept = await resources.resources.getById(
      `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kept-id`,
      '2023-01-31',
    );
    expect(kept.name).toBe('kept-id');
  });

  it('stops after a failed wave: the dependent resource is never attempted and does not exist', async () => {
    await admin.addFault({
      method: 'PUT',
      pathPattern: 'virtualNetworks/doomed-1$',
      failLongRunning: { code: 'SubnetsOverlap', message: 'Address space 10.61.0.0/16 overlaps.' },
    });
    const template = {
      ...fanIn,
      parameters: {},
      outputs: {},
      resources: [
        vnet('doomed-0', 60),
        vnet('doomed-1', 61),
        identity('doomed-id', ["[resourceId('Microsoft.Network/virtualNetworks', 'doomed-1')]"]),
      ],
    };
    await expect(
      deployments.deployments.createOrUpdate(
        rg,
        'doomed',
        { properties: { template, mode: 'Incremental' } },
        poll,
      ),
    ).rejects.toThrow();
    const operations = await operationsOf('doomed');
    const byName = new Map(operations.map((o) => [o.properties?.targetResource?.resourceName, o.properties]));
    expect(byName.get('doomed-0')?.provisioningState).toBe('Succeeded');
    expect(byName.get('doomed-1')).toMatchObject({
      provisioningState: 'Failed',
      statusMessage: { status: 'Failed', error: { code: 'SubnetsOverlap' } },
    });
    expect(byName.has('doomed-id')).toBe(false);
    const deployment = await deployments.deployments.get(rg, 'doomed');
    expect(deployment.properties?.provisioningState).toBe('Failed');
    expect(deployment.properties?.error?.code).toBe('DeploymentFailed');
    expect(deployment.properties?.error?.details?.map((d) => d.target?.split('/').pop())).toEqual([
      'doomed-1',
    ]);
    expect(deployment.properties?.outputResources?.map((r) => r.id?.split('/').pop())).toEqual(['doomed-0']);
    await expect(
      resources.resources.getById(
        `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/doomed-id`,
        '2023-01-31',
      ),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('what-if against the current state', () => {
  const subnetTemplate = {
    ...fanIn,
    parameters: {},
    outputs: {},
    resources: [vnet('fan-0', 50)],
  };

  it('reports an out-of-band subnet change as an Array delta on the subnet it touched', async () => {
    await network.subnets.beginCreateOrUpdateAndWait(
      rg,
      'fan-0',
      'apps',
      { addressPrefix: '10.50.9.0/24' },
      poll,
    );
    const result = await deployments.deployments.whatIf(
      rg,
      'check',
      { properties: { template: subnetTemplate, mode: 'Incremental' } },
      poll,
    );
    const change = result.changes?.find((c) => c.resourceId?.endsWith('/fan-0'));
    expect(change?.changeType).toBe('Modify');
    expect(change?.delta).toEqual([
      {
        path: 'properties.subnets',
        propertyChangeType: 'Array',
        children: [
          {
            path: '0',
            propertyChangeType: 'Modify',
            children: [
              {
                path: 'properties.addressPrefix',
                propertyChangeType: 'Modify',
                before: '10.50.9.0/24',
                after: '10.50.1.0/24',
              },
              // The policies the template leaves to the service, as ARM shows them (arm-template-whatif#184).
              {
                path: 'properties.privateEndpointNetworkPolicies',
                propertyChangeType: 'Delete',
                before: 'Disabled',
              },
              {
                path: 'properties.privateLinkServiceNetworkPolicies',
                propertyChangeType: 'Delete',
                before: 'Enabled',
              },
            ],
          },
        ],
      },
    ]);
  });

  it('in Complete mode marks every undeclared resource of the group Delete, in Incremental Ignore', async () => {
    const complete = await deployments.deployments.whatIf(
      rg,
      'check',
      { properties: { template: subnetTemplate, mode: 'Complete' } },
      poll,
    );
    const incremental = await deployments.deployments.whatIf(
      rg,
      'check',
      { properties: { template: subnetTemplate, mode: 'Incremental' } },
      poll,
    );
    const undeclared = (changes: typeof complete.changes) =>
      (changes ?? [])
        .filter((c) => !c.resourceId?.endsWith('/fan-0'))
        .map((c) => `${c.resourceId?.split('/').pop()} ${c.changeType}`)
        .sort();
    const others = ['doomed-0', 'fan-1', 'fan-2', 'fan-3', 'fan-id', 'kept-id'];
    expect(undeclared(complete.changes)).toEqual(others.map((n) => `${n} Delete`));
    expect(undeclared(incremental.changes)).toEqual(others.map((n) => `${n} Ignore`));
    // What-if changes nothing.
    let count = 0;
    for await (const resource of resources.resources.listByResourceGroup(rg)) if (resource.id) count++;
    expect(count).toBe(others.length + 1);
  });
});
