import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';
import type { CloudPlugin, HttpMount } from '../src/internal/cloud-plugin.js';
import type { ArmContext, ArmProvider } from '../src/internal/arm/arm-provider.js';
import { checkProviderApiVersion } from '../src/internal/arm/api-versions.js';
import { armError, methodNotAllowed } from '../src/internal/arm/arm-error.js';
import { findOperation, type LongRunningProtocol } from '../src/internal/arm/long-running.js';
import { resourceGroupMissing } from '../src/internal/arm/resource-groups.js';
import { inResourceMap, servePut } from '../src/internal/arm/resource-put.js';
import { serveDelete } from '../src/internal/arm/resource-delete.js';
import type { ResourceRecord } from '../src/internal/arm/resource-store.js';
import { json, jsonBody, type Exchange, type Reply } from '../src/internal/http/exchange.js';
import { builtInPlugins } from '../src/internal/providers.js';

// A plug-in of both kinds, written against the plug-in contract alone, as a later developer would write one (it is
// not shipped): an ARM resource provider, Contoso.Widgets/widgets, with a long-running protocol of its own; and a
// GitHub-like issues API at /tracker/api/v3 with its own token check and rate-limit headers, whose issues the admin API
// reads and the snapshot file keeps. The cloud serves it beside the built-in plug-ins, none of them changed.

type Json = Record<string, unknown>;

const widgetType = 'Contoso.Widgets/widgets';
const widgetPath =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/contoso\.widgets\/widgets\/([^/]+)$/i;
const operationPath = /^\/subscriptions\/([^/]+)\/providers\/contoso\.widgets\/operations\/([^/]+)$/i;
const gitHubToken = 'ghs_plugin_test_token';

/** Contoso.Widgets answers writes with `Azure-AsyncOperation` at `/providers/Contoso.Widgets/operations/{id}`. */
const widgetProtocol: LongRunningProtocol = {
  newId: () => randomUUID(),
  pollHeaders: (at) => ({
    'azure-asyncoperation': `${at.resourceManager}subscriptions/${at.subscriptionId}/providers/Contoso.Widgets/operations/${at.id}?api-version=${at.apiVersion}`,
  }),
  retryAfter: { floor: 0, cap: 1 },
};

/** What the test plug-in keeps: the issues of its API, and the resource groups it heard were deleted. */
interface TrackerState {
  issues: { id: string; number: number; title: string }[];
  deletedGroups: string[];
  remaining: number;
}

function serveWidget(exchange: Exchange, context: ArmContext, match: string[]): Reply {
  const [, sub = '', , name = ''] = match;
  const id = exchange.path;
  const stored = inResourceMap<ResourceRecord>(context, id);
  const operation = (complete: () => void) => ({
    protocol: widgetProtocol,
    request: { subscriptionId: sub, complete },
  });
  if (exchange.method === 'GET') {
    const record = stored.find();
    return record ? json(200, record) : armError(404, 'ResourceNotFound', `No widget '${name}'.`);
  }
  if (exchange.method === 'DELETE') {
    const remove = () => context.store.resources.delete(id.toLowerCase());
    return serveDelete(exchange, context, { find: stored.find, operation: () => operation(remove) });
  }
  if (exchange.method !== 'PUT') return methodNotAllowed(exchange);
  return servePut<Json, ResourceRecord>(exchange, context, {
    validate: (raw) =>
      typeof (raw as Json | undefined)?.location === 'string'
        ? undefined
        : armError(400, 'LocationRequired', 'The location property is required for this definition.'),
    ...stored,
    build: (body) => ({
      id,
      name,
      type: widgetType,
      location: String(body.location),
      properties: { ...((body.properties as Json | undefined) ?? {}), provisioningState: 'Creating' },
    }),
    operation: (record) => operation(() => (record.properties.provisioningState = 'Succeeded')),
  });
}

function widgetProvider(state: TrackerState): ArmProvider {
  return {
    namespace: 'Contoso.Widgets',
    resourceTypes: ['widgets'],
    apiVersions: ['2025-01-01'],
    defaultApiVersion: '2025-01-01',
    route: (exchange, context) => {
      const polled = operationPath.exec(exchange.path);
      if (polled !== null && exchange.method === 'GET') {
        const [, sub = '', id = ''] = polled;
        const status = findOperation(context, sub, id)?.status ?? 'NotFound';
        return { operation: 'read', subscriptionId: sub, byProvider: true, run: () => json(200, { status }) };
      }
      const match = widgetPath.exec(exchange.path);
      if (match === null) return undefined;
      const [, sub = '', group = ''] = match;
      const run = () =>
        checkProviderApiVersion(exchange, widgetType, ['2025-01-01'], context.scenario.locations) ??
        resourceGroupMissing(context, sub, group) ??
        serveWidget(exchange, context, match);
      const operation = exchange.method === 'GET' ? 'read' : 'longRunning';
      return { operation, subscriptionId: sub, byProvider: true, run };
    },
    hooks: { resourceGroupDeleted: (_context, groupId) => void state.deletedGroups.push(groupId) },
  };
}

/** A GitHub-like issues API: `token` authentication and rate-limit headers of its own, no ARM in sight. */
function issuesMount(state: TrackerState): HttpMount {
  return {
    prefix: '/tracker/api/v3',
    serve: (exchange, subPath) => {
      if (exchange.headers.authorization !== `token ${gitHubToken}`)
        return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      state.remaining -= 1;
      const limits = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(state.remaining) };
      if (!/^\/repos\/[^/]+\/[^/]+\/issues$/.test(subPath))
        return json(404, { message: 'Not Found' }, limits);
      if (exchange.method === 'GET') return json(200, state.issues, limits);
      const title = String((jsonBody(exchange) as Json | undefined)?.title ?? '');
      const issue = { id: `issue-${state.issues.length + 1}`, number: state.issues.length + 1, title };
      state.issues.push(issue);
      return json(201, issue, limits);
    },
  };
}

function issueTrackerPlugin(): CloudPlugin {
  const state: TrackerState = { issues: [], deletedGroups: [], remaining: 5000 };
  return {
    name: 'issue-tracker',
    arm: widgetProvider(state),
    mount: issuesMount(state),
    adminState: () => state,
    admin: (exchange, subPath) => {
      if (exchange.method !== 'POST' || subPath !== '/budget')
        return json(404, { error: { code: 'NotFound', message: `no ${subPath}` } });
      state.remaining = Number((jsonBody(exchange) as Json).remaining);
      return json(200, { remaining: state.remaining });
    },
    describe: (context) => ({ apiUrl: `${context.baseUrl}/tracker/api/v3` }),
    snapshot: {
      save: () => state.issues.map((issue) => [issue.id, issue]),
      restore: (_store, entries) => {
        state.issues = entries.map(([, issue]) => issue as TrackerState['issues'][number]);
      },
    },
  };
}

let local: LocalCloud;
let access: CloudSdkAccess;
let resources: ResourceManagementClient;
let dir: string;
const rg = 'rg-plugins';
const poll = { updateIntervalInMs: 20 };
const widgetId = () =>
  `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Contoso.Widgets/widgets/w1`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-cloud-plugins-'));
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 30, tokenMs: 0 } },
    plugins: [...builtInPlugins, issueTrackerPlugin()],
    snapshotFile: join(dir, 'snapshot.json'),
  });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  resources = new ResourceManagementClient(access.credential, local.cloud.subscriptionId, access.options);
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
});
afterAll(async () => {
  await local?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const gitHub = (method: string, path: string, token?: string, body?: unknown) =>
  cloudRequest(local.cloud.caPem, method, `${local.cloud.resourceManager}tracker/api/v3${path}`, {
    headers: token === undefined ? {} : { authorization: token },
    body,
  });

describe('a plug-in the cloud is handed (ARM provider and API stand-in in one folder)', () => {
  it('registers its namespace and serves its type through the core PUT skeleton and its own protocol', async () => {
    const provider = await resources.providers.get('Contoso.Widgets');
    expect(provider.resourceTypes).toEqual([
      expect.objectContaining({
        resourceType: 'widgets',
        apiVersions: ['2025-01-01'],
        locations: expect.arrayContaining(['West Europe']),
      }),
    ]);
    const body = { location: 'westeurope', properties: { colour: 'teal' } };
    const created = await resources.resources.beginCreateOrUpdateByIdAndWait(
      widgetId(),
      '2025-01-01',
      body,
      poll,
    );
    expect(created).toMatchObject({
      type: widgetType,
      properties: { colour: 'teal', provisioningState: 'Succeeded' },
    });
    const calls = (await new LocalCloudAdmin(local.cloud).calls()).map((c) => `${c.method} ${c.path}`);
    expect(calls).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GET .*\/providers\/Contoso\.Widgets\/operations\//)]),
    );
    await expect(resources.resources.getById(widgetId(), '2020-01-01')).rejects.toMatchObject({
      statusCode: 400,
      code: 'NoRegisteredProviderFound',
    });
  });

  it('is deployed by the deployments plug-in, which knows nothing of it', async () => {
    const deployments = new DeploymentsClient(access.credential, local.cloud.subscriptionId, access.options);
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: widgetType,
          apiVersion: '2025-01-01',
          name: 'w2',
          location: 'westeurope',
          properties: { size: 2 },
        },
      ],
    };
    const result = await deployments.deployments.createOrUpdate(
      rg,
      'widgets',
      { properties: { template, mode: 'Incremental' } },
      poll,
    );
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const w2 = await resources.resources.getById(widgetId().replace(/w1$/, 'w2'), '2025-01-01');
    expect(w2.properties).toMatchObject({ size: 2, provisioningState: 'Succeeded' });
  });

  it('serves its own API at its mount, with its own token check and rate-limit headers, outside ARM', async () => {
    const refused = await gitHub('GET', '/repos/o/r/issues');
    expect(refused).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect(refused.headers['x-ms-failure-cause']).toBeUndefined();
    const armToken = (await access.credential.getToken(access.scope)).token;
    expect((await gitHub('GET', '/repos/o/r/issues', `Bearer ${armToken}`)).status).toBe(401);
    const created = await gitHub('POST', '/repos/o/r/issues', `token ${gitHubToken}`, { title: 'drift' });
    expect(created).toMatchObject({ status: 201, body: { number: 1, title: 'drift' } });
    const listed = await gitHub('GET', '/repos/o/r/issues', `token ${gitHubToken}`);
    expect(listed.body).toEqual([expect.objectContaining({ title: 'drift' })]);
    expect(listed.headers['x-ratelimit-remaining']).toBe('4998');
    // ARM does not take the stand-in's token.
    const arm = await cloudRequest(
      local.cloud.caPem,
      'GET',
      `${local.cloud.resourceManager}subscriptions?api-version=2022-12-01`,
      {
        headers: { authorization: `token ${gitHubToken}` },
      },
    );
    expect(arm.status).toBe(401);
    const admin = new LocalCloudAdmin(local.cloud);
    expect((await admin.calls()).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(
      expect.arrayContaining([
        'POST /tracker/api/v3/repos/o/r/issues 201',
        'GET /tracker/api/v3/repos/o/r/issues 401',
      ]),
    );
    expect(await admin.plugins()).toEqual([...builtInPlugins.map((p) => p.name), 'issue-tracker']);
    expect(await admin.pluginState('issue-tracker')).toMatchObject({
      issues: [{ number: 1, title: 'drift' }],
    });
    await expect(admin.pluginState('network')).rejects.toThrow(/no plug-in 'network' with admin state/);
    // Its own admin calls change what it keeps, and cloud.json says where it is.
    expect(await admin.pluginCall('issue-tracker', 'POST', '/budget', { remaining: 10 })).toEqual({
      remaining: 10,
    });
    const next = await gitHub('GET', '/repos/o/r/issues', `token ${gitHubToken}`);
    expect(next.headers['x-ratelimit-remaining']).toBe('9');
    await expect(admin.pluginCall('network', 'POST', '/budget')).rejects.toThrow(
      /no plug-in 'network' with admin calls/,
    );
    expect(local.cloud.services['issue-tracker']).toEqual({
      apiUrl: `${local.cloud.resourceManager}tracker/api/v3`,
    });
  });

  it('keeps its own state in the snapshot file, beside the store and the deployments', async () => {
    await gitHub('POST', '/repos/o/r/issues', `token ${gitHubToken}`, { title: 'kept' });
    await local.stop();
    const saved = JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved)).toEqual([
      'format',
      'version',
      'resourceGroups',
      'resources',
      'deployments',
      'deployment-stacks',
      'github-api',
      'azure-devops-api',
      'issue-tracker',
    ]);
    local = await startLocalCloud({
      scenario: defaultScenario(),
      plugins: [...builtInPlugins, issueTrackerPlugin()],
      snapshotFile: join(dir, 'snapshot.json'),
    });
    trustCloudCa(local.cloud.caPem);
    const listed = await gitHub('GET', '/repos/o/r/issues', `token ${gitHubToken}`);
    expect((listed.body as { title: string }[]).map((i) => i.title)).toEqual(['drift', 'kept']);
  });

  it('hears of its resource group deletion through its hook, after ARM removed what was stored under it', async () => {
    access = cloudSdkAccess(local.cloud);
    resources = new ResourceManagementClient(access.credential, local.cloud.subscriptionId, access.options);
    expect((await resources.resources.getById(widgetId(), '2025-01-01')).name).toBe('w1');
    await resources.resourceGroups.beginDeleteAndWait(rg, poll);
    const state = (await new LocalCloudAdmin(local.cloud).pluginState('issue-tracker')) as TrackerState;
    expect(state.deletedGroups).toEqual([
      `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`,
    ]);
    expect(
      await new LocalCloudAdmin(local.cloud).getResource(widgetId()).catch((e: Error) => e.message),
    ).toMatch(/stores no resource/);
  });
});
