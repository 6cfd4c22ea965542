import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import {
  startLocalCloud,
  trustCloudCa,
  cloudRequest,
  LocalCloudAdmin,
  parseScenario,
  defaultScenario,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let client: ResourceManagementClient;
let credential: ClientSecretCredential;
let access: CloudSdkAccess;

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 1500, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  client = new ResourceManagementClient(credential, local.cloud.subscriptionId, {
    ...access.options,
    retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 200 },
  });
});
afterAll(async () => local.stop());

async function bearer(): Promise<Record<string, string>> {
  return { authorization: `Bearer ${(await credential.getToken(`${local.cloud.audience}.default`)).token}` };
}

describe('resource groups through ResourceManagementClient', () => {
  it('creates, reads, tags, filters and deletes with the Location polling protocol', async () => {
    const created = await client.resourceGroups.createOrUpdate('rg-app', {
      location: 'West Europe',
      tags: { env: 'dev' },
    });
    expect(created).toMatchObject({
      name: 'rg-app',
      location: 'westeurope',
      properties: { provisioningState: 'Succeeded' },
    });
    await client.resourceGroups.createOrUpdate('rg-other', {
      location: 'northeurope',
      tags: { env: 'prod' },
    });
    await client.resourceGroups.update('rg-app', { tags: { env: 'test', owner: 'me' } });
    const tagged: string[] = [];
    for await (const group of client.resourceGroups.list({
      filter: "tagName eq 'env' and tagValue eq 'test'",
    }))
      tagged.push(group.name!);
    expect(tagged).toEqual(['rg-app']);

    const vnetId = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet1`;
    await client.resources.beginCreateOrUpdateByIdAndWait(vnetId, '2024-05-01', {
      location: 'westeurope',
      tags: { role: 'hub' },
      properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } },
    });
    const byTag: string[] = [];
    for await (const r of client.resources.list({ filter: "tagName eq 'role' and tagValue eq 'hub'" }))
      byTag.push(r.id!);
    expect(byTag).toEqual([vnetId]);
    const inGroup: string[] = [];
    for await (const r of client.resources.listByResourceGroup('rg-app')) inGroup.push(r.type!);
    expect(inGroup).toEqual(['Microsoft.Network/virtualNetworks']);

    const poller = await client.resourceGroups.beginDelete('rg-app', { updateIntervalInMs: 50 });
    expect((await client.resourceGroups.get('rg-app')).properties?.provisioningState).toBe('Deleting');
    await poller.pollUntilDone();
    expect((await client.resourceGroups.checkExistence('rg-app')).body).toBe(false);
    await expect(client.resources.getById(vnetId, '2024-05-01')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceGroupNotFound',
    });
    // The cascade removed the network too: a recreated group of the same name is empty.
    await client.resourceGroups.createOrUpdate('rg-app', { location: 'westeurope' });
    await expect(client.resources.getById(vnetId, '2024-05-01')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    const polls = (await admin.calls()).filter((c) => c.path.includes('/operationresults/'));
    expect(polls.map((c) => c.status)).toContain(202);
    expect(polls.at(-1)?.status).toBe(200);
  });

  it("deleting a group forgets its deployments and frees what other groups' resources held for it", async () => {
    const sub = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups`;
    const subnetId = `${sub}/rg-shared-net/providers/Microsoft.Network/virtualNetworks/vnet-shared/subnets/apps`;
    const nicId = `${sub}/rg-workload/providers/Microsoft.Network/networkInterfaces/nic-app`;
    await client.resourceGroups.createOrUpdate('rg-shared-net', { location: 'westeurope' });
    await client.resourceGroups.createOrUpdate('rg-workload', { location: 'westeurope' });
    await client.resources.beginCreateOrUpdateByIdAndWait(
      subnetId.replace(/\/subnets\/apps$/, ''),
      '2024-05-01',
      {
        location: 'westeurope',
        properties: {
          addressSpace: { addressPrefixes: ['10.9.0.0/16'] },
          subnets: [{ name: 'apps', properties: { addressPrefix: '10.9.1.0/24' } }],
        },
      },
    );
    // The NIC in rg-workload comes from a deployment there, so the group holds a deployment too.
    const deploymentsClient = new DeploymentsClient(credential, local.cloud.subscriptionId, access.options);
    await deploymentsClient.deployments.createOrUpdate('rg-workload', 'nic', {
      properties: {
        mode: 'Incremental',
        template: {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          resources: [
            {
              type: 'Microsoft.Network/networkInterfaces',
              apiVersion: '2024-05-01',
              name: 'nic-app',
              location: 'westeurope',
              properties: {
                ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: subnetId } } }],
              },
            },
          ],
        },
      },
    });
    const subnetUses = async () => {
      const vnet = await client.resources.getById(subnetId.replace(/\/subnets\/apps$/, ''), '2024-05-01');
      const subnets = (
        vnet.properties as { subnets: { properties: { ipConfigurations?: { id: string }[] } }[] }
      ).subnets;
      return (subnets[0]!.properties.ipConfigurations ?? []).map((u) => u.id.toLowerCase());
    };
    expect(await subnetUses()).toEqual([`${nicId}/ipConfigurations/ipconfig1`.toLowerCase()]);

    await client.resourceGroups.beginDeleteAndWait('rg-workload', { updateIntervalInMs: 50 });

    expect(await subnetUses()).toEqual([]);
    // The subnet can go now: nothing uses it.
    await client.resources.beginDeleteByIdAndWait(subnetId, '2024-05-01', { updateIntervalInMs: 50 });
    // A group of the same name starts without the old group's deployments.
    await client.resourceGroups.createOrUpdate('rg-workload', { location: 'westeurope' });
    const deployments: string[] = [];
    for await (const d of deploymentsClient.deployments.listByResourceGroup('rg-workload'))
      deployments.push(d.name!);
    expect(deployments).toEqual([]);
  });

  it('answers a missing group with ResourceGroupNotFound and ARM request ids', async () => {
    const url = `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups/nope?api-version=2025-04-01`;
    const response = await cloudRequest(local.cloud.caPem, 'GET', url, {
      headers: { ...(await bearer()), 'x-ms-correlation-request-id': 'corr-1' },
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: {
        code: 'ResourceGroupNotFound',
        message: "Resource group 'nope' could not be found.",
        details: [],
      },
    });
    expect(response.headers['x-ms-correlation-request-id']).toBe('corr-1');
    expect(response.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-ms-ratelimit-remaining-subscription-reads']).toMatch(/^\d+$/);
    expect(response.headers['x-ms-failure-cause']).toBe('gateway');
  });

  it("lists the caller's tenant and its subscriptions", async () => {
    const base = local.cloud.resourceManager;
    const tenants = await cloudRequest(local.cloud.caPem, 'GET', `${base}tenants?api-version=2022-09-01`, {
      headers: await bearer(),
    });
    const subscriptions = await cloudRequest(
      local.cloud.caPem,
      'GET',
      `${base}subscriptions?api-version=2022-09-01`,
      { headers: await bearer() },
    );
    expect(tenants.body).toMatchObject({ value: [{ tenantId: local.cloud.tenantId }] });
    expect(subscriptions.body).toMatchObject({
      value: [
        { subscriptionId: local.cloud.subscriptionId, tenantId: local.cloud.tenantId, state: 'Enabled' },
      ],
    });
  });

  it('checks api-version', async () => {
    const base = `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups`;
    const missing = await cloudRequest(local.cloud.caPem, 'GET', base, { headers: await bearer() });
    const invalid = await cloudRequest(local.cloud.caPem, 'GET', `${base}?api-version=2099-01-01`, {
      headers: await bearer(),
    });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'MissingApiVersionParameter' } } });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersionParameter' } } });
    expect((invalid.body as { error: { message: string } }).error.message).toContain(
      "The api-version '2099-01-01' is invalid. The supported versions are '2026-06-01,2025-04-01,",
    );
  });
});

describe('bearer tokens at ARM', () => {
  it('answers 401 with WWW-Authenticate for a missing, wrong-audience or expired token', async () => {
    const url = `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups?api-version=2025-04-01`;
    const none = await cloudRequest(local.cloud.caPem, 'GET', url);
    expect(none).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed' } } });
    expect(none.headers['x-ms-failure-cause']).toBe('gateway');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer authorization_uri=".*", error="invalid_token"/);
    const graph = await credential.getToken('https://graph.microsoft.com/.default');
    const wrongAudience = await cloudRequest(local.cloud.caPem, 'GET', url, {
      headers: { authorization: `Bearer ${graph.token}` },
    });
    expect(wrongAudience).toMatchObject({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationTokenAudience' } },
    });
  });

  it('rejects the SDK once the token has expired on the cloud clock', async () => {
    const expiring = await startLocalCloud({
      scenario: parseScenario({ ...scenarioDocument(), tokenLifetimeSeconds: 600 }),
    });
    try {
      trustCloudCa(expiring.cloud.caPem);
      const { credential: cred, options } = cloudSdkAccess(expiring.cloud);
      const sdk = new ResourceManagementClient(cred, expiring.cloud.subscriptionId, options);
      await sdk.resourceGroups.createOrUpdate('rg', { location: 'westeurope' });
      await new LocalCloudAdmin(expiring.cloud).advanceClock(700);
      await expect(sdk.resourceGroups.get('rg')).rejects.toMatchObject({
        statusCode: 401,
        code: 'ExpiredAuthenticationToken',
      });
    } finally {
      await expiring.stop();
    }
  });
});

describe('tenants and subscriptions', () => {
  it('answers InvalidAuthenticationTokenTenant to a principal of another tenant', async () => {
    const tenantB = '22222222-3333-4444-8555-666666666666';
    const principal = {
      name: 'outsider',
      clientId: '77777777-8888-4999-8aaa-bbbbbbbbbbbb',
      tenantId: tenantB,
      clientSecret: 'outsider-secret',
    };
    const scenario = parseScenario({
      tenants: [...scenarioDocument().tenants, { id: tenantB }],
      principals: [principal],
    });
    const twoTenants = await startLocalCloud({ scenario });
    try {
      trustCloudCa(twoTenants.cloud.caPem);
      const { credential: cred, options } = cloudSdkAccess(twoTenants.cloud, { principal });
      const sdk = new ResourceManagementClient(cred, twoTenants.cloud.subscriptionId, options);
      await expect(sdk.resourceGroups.get('any')).rejects.toMatchObject({
        statusCode: 401,
        code: 'InvalidAuthenticationTokenTenant',
        message: expect.stringContaining(
          `associated with this subscription. Please use the authority (URL) '${twoTenants.cloud.authorityHost}/${twoTenants.cloud.tenantId}'`,
        ),
      });
    } finally {
      await twoTenants.stop();
    }
  });
});

function scenarioDocument() {
  const s = defaultScenario();
  return { tenants: s.tenants, principals: s.principals.map(({ objectId, ...p }) => ({ ...p, objectId })) };
}
