import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { armRequest, cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';

// The `$filter` of `GET …/resources` and `GET …/resourcegroups` as ARM documents it (Resources_List in
// azure-rest-api-specs) and as azure-cli sends it (`az resource list -g … --resource-type … -n … -l …`), with
// ARM's own refusal for anything else.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let local: LocalCloud;
let access: CloudSdkAccess;
const principalId = '6c1f8a0e-2f0b-4a59-9a63-0f4c3e0d7a11';

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  await arm('PUT', '/resourceGroups/rg-a', { location: 'westeurope', tags: { env: 'prod' } });
  await arm('PUT', '/resourceGroups/rg-b', { location: 'northeurope', tags: { env: 'dev' } });
  const storage = 'providers/Microsoft.Storage/storageAccounts';
  const identities = 'providers/Microsoft.ManagedIdentity/userAssignedIdentities';
  await arm('PUT', `/resourceGroups/rg-a/${storage}/stweb`, {
    location: 'westeurope',
    tags: { env: 'prod', costCentre: 'R and D' },
  });
  await arm('PUT', `/resourceGroups/rg-a/${identities}/id-api`, {
    location: 'westeurope',
    tags: { env: 'dev' },
    identity: { type: 'SystemAssigned', principalId },
  });
  await arm('PUT', `/resourceGroups/rg-b/${storage}/stapi`, {
    location: 'northeurope',
    plan: { name: 'basic', publisher: 'contoso', product: 'widgets' },
  });
});
afterAll(async () => local.stop());

async function arm(method: string, path: string, body?: unknown, query = '') {
  const scoped = `/subscriptions/${local.cloud.subscriptionId}${path}?api-version=2024-03-01${query}`;
  const reply = await armRequest(local.cloud, access, method, scoped, body);
  return reply as { status: number; body: Json; headers: Record<string, unknown> };
}

const list = (filter: string, scope = '') =>
  arm('GET', `${scope}/resources`, undefined, `&$filter=${encodeURIComponent(filter)}`);
const names = async (filter: string, scope = '') => {
  const reply = await list(filter, scope);
  expect(reply.status).toBe(200);
  return (reply.body.value as Json[]).map((r) => r.name).sort();
};

describe('the resource list $filter ARM accepts', () => {
  it('filters by resource group, as az resource list -g sends it, alone and with name, location and type', async () => {
    expect(await names("resourceGroup eq 'rg-b'")).toEqual(['stapi']);
    expect(await names("resourceGroup eq 'RG-A'")).toEqual(['id-api', 'stweb']);
    const az =
      "resourceGroup eq 'rg-a' and name eq 'stweb' and location eq 'westeurope' and resourceType eq 'Microsoft.Storage/storageAccounts'";
    expect(await names(az)).toEqual(['stweb']);
    expect(
      await names("resourceType eq 'microsoft.storage/storageaccounts'", '/resourceGroups/rg-b'),
    ).toEqual(['stapi']);
  });

  it('takes ne, and location in its display form', async () => {
    expect(await names("resourceType ne 'Microsoft.Storage/storageAccounts'")).toEqual(['id-api']);
    expect(await names("location eq 'North Europe'")).toEqual(['stapi']);
    expect(await names("resourceGroup ne 'rg-a' and location ne 'westeurope'")).toEqual(['stapi']);
  });

  it('takes substringof on name and resourceGroup, joined by and/or, and with resourceType', async () => {
    expect(await names("substringof('web', name) or substringof('API', name)")).toEqual([
      'id-api',
      'stapi',
      'stweb',
    ]);
    expect(await names("substringof('-b', resourceGroup)")).toEqual(['stapi']);
    expect(
      await names("substringof('api', name) and resourceType eq 'Microsoft.Storage/storageAccounts'"),
    ).toEqual(['stapi']);
  });

  it('filters by tag name and value (or a tag name prefix), answering the resources without their tags', async () => {
    const byTag = await list("tagName eq 'env' and tagValue eq 'prod'");
    expect((byTag.body.value as Json[]).map((r) => r.name)).toEqual(['stweb']);
    expect(byTag.body.value[0]).not.toHaveProperty('tags');
    expect(await names("tagname eq 'costCentre' and tagvalue eq 'R and D'")).toEqual(['stweb']);
    expect(await names("tagName eq 'ENV'")).toEqual(['id-api', 'stweb']);
    expect(await names("startswith(tagName, 'cost')")).toEqual(['stweb']);
    expect((await list("resourceGroup eq 'rg-a'")).body.value[0]).toHaveProperty('tags');
  });

  it('filters by identity principal and plan properties, and lists them with the resources', async () => {
    expect(await names(`identity/principalId eq '${principalId}'`)).toEqual(['id-api']);
    expect(await names("plan/publisher eq 'contoso' and plan/product eq 'widgets'")).toEqual(['stapi']);
    const all = (await list("resourceGroup eq 'rg-b'")).body.value as Json[];
    expect(all[0]!.plan).toEqual({ name: 'basic', publisher: 'contoso', product: 'widgets' });
  });

  it.each([
    ["tagName eq 'env' and resourceType eq 'Microsoft.Storage/storageAccounts'"],
    ["tagValue eq 'prod'"],
    ["resourceType eq 'Microsoft.Storage/storageAccounts' or name eq 'id-api'"],
    ["sku eq 'Standard_LRS'"],
    ["substringof('x', location)"],
    ["name eq 'unterminated"],
    ["name eq 'stweb' and"],
    ["(name eq 'stweb')"],
  ])('refuses %s in ARM’s words', async (filter) => {
    const reply = await list(filter);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toEqual({
      code: 'InvalidFilterInQueryString',
      message: `Invalid $filter '${filter}' specified in the query string.`,
      details: [],
    });
    expect(reply.headers['x-ms-failure-cause']).toBe('gateway');
  });
});

describe('the resource list $expand', () => {
  it('adds each resource’s provisioningState when $expand asks for it, and only then', async () => {
    const plain = await arm('GET', '/resourceGroups/rg-a/resources');
    expect(plain.body.value[0]).not.toHaveProperty('provisioningState');
    const expanded = await arm(
      'GET',
      '/resourceGroups/rg-a/resources',
      undefined,
      '&$expand=createdTime,changedTime,provisioningState',
    );
    expect((expanded.body.value as Json[]).map((r) => r.provisioningState)).toEqual([
      'Succeeded',
      'Succeeded',
    ]);
  });
});

describe('the resource group list $filter ARM accepts', () => {
  it('filters resource groups by tag name and value, with their tags', async () => {
    const reply = await arm(
      'GET',
      '/resourcegroups',
      undefined,
      `&$filter=${encodeURIComponent("tagName eq 'env' and tagValue eq 'dev'")}`,
    );
    expect(reply.body.value).toEqual([expect.objectContaining({ name: 'rg-b', tags: { env: 'dev' } })]);
  });

  it('refuses any other filter in ARM’s words', async () => {
    const filter = "location eq 'westeurope'";
    const reply = await arm('GET', '/resourcegroups', undefined, `&$filter=${encodeURIComponent(filter)}`);
    expect(reply).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'InvalidFilterInQueryString',
          message: `Invalid $filter '${filter}' specified in the query string.`,
        },
      },
    });
  });
});

describe('the deployment list $filter and $top ARM accepts', () => {
  const deploymentsPath = '/resourceGroups/rg-a/providers/Microsoft.Resources/deployments';
  const template = (resources: unknown[]) => ({
    properties: { mode: 'Incremental', template: { $schema: 'x', contentVersion: '1.0.0.0', resources } },
  });

  beforeAll(async () => {
    await arm('PUT', `${deploymentsPath}/empty`, template([]));
    const missing = {
      type: 'Contoso.Missing/things',
      apiVersion: '2024-01-01',
      name: 'x',
      location: 'westeurope',
    };
    await arm('PUT', `${deploymentsPath}/broken`, template([missing]));
    for (let i = 0; i < 100; i++) {
      const states = ((await arm('GET', deploymentsPath)).body.value as Json[]).map(
        (d) => d.properties.provisioningState,
      );
      if (states.every((state) => state === 'Succeeded' || state === 'Failed')) break;
    }
  });

  it('filters by provisioningState and takes $top', async () => {
    const failed = await arm(
      'GET',
      deploymentsPath,
      undefined,
      `&$filter=${encodeURIComponent("provisioningState eq 'Failed'")}`,
    );
    expect((failed.body.value as Json[]).map((d) => d.name)).toEqual(['broken']);
    const one = await arm('GET', deploymentsPath, undefined, '&$top=1');
    expect(one.body.value).toHaveLength(1);
  });

  it('refuses any other filter in ARM’s words', async () => {
    const filter = "name eq 'empty'";
    const reply = await arm('GET', deploymentsPath, undefined, `&$filter=${encodeURIComponent(filter)}`);
    expect(reply).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'InvalidFilterInQueryString',
          message: `Invalid $filter '${filter}' specified in the query string.`,
        },
      },
    });
  });
});
