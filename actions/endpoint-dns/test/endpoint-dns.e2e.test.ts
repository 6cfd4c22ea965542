import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { runAzureDevOpsTask, runGitHubStep, type GitHubStepResult } from '@azpn/action-host';
import {
  defaultIds,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type CallRecord,
  type LocalCloud,
  azureDevOpsAgentEnvironment,
  githubRunnerEnvironment,
} from '@azpn/local-cloud';

// The committed bundles, run as the GitHub runner and the Azure DevOps agent run them, against the local cloud.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const rg = 'rg-dns-e2e';
const endpoints = 10;
/** A second subscription of the same tenant, with the same network and zone in `otherRg` (10.61/16). */
const other = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const otherRg = 'rg-dns-other';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let dns: PrivateDnsManagementClient;
let otherDns: PrivateDnsManagementClient;

/** A VNet, a load balancer behind a Private Link Service, `endpoints` private endpoints on it, and a zone. */
const template = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  variables: { vnet: "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]" },
  resources: [
    {
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2024-05-01',
      name: 'vnet',
      location: 'westeurope',
      properties: {
        addressSpace: { addressPrefixes: ['10.60.0.0/16'] },
        subnets: [
          { name: 'svc', properties: { addressPrefix: '10.60.0.0/24' } },
          { name: 'pe', properties: { addressPrefix: '10.60.1.0/24' } },
        ],
      },
    },
    {
      type: 'Microsoft.Network/loadBalancers',
      apiVersion: '2024-05-01',
      name: 'lb',
      location: 'westeurope',
      sku: { name: 'Standard' },
      dependsOn: ["[variables('vnet')]"],
      properties: {
        frontendIPConfigurations: [
          { name: 'fe', properties: { subnet: { id: "[format('{0}/subnets/svc', variables('vnet'))]" } } },
        ],
      },
    },
    {
      type: 'Microsoft.Network/privateLinkServices',
      apiVersion: '2024-05-01',
      name: 'pls',
      location: 'westeurope',
      dependsOn: ["[resourceId('Microsoft.Network/loadBalancers', 'lb')]"],
      properties: {
        loadBalancerFrontendIpConfigurations: [
          { id: "[resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', 'lb', 'fe')]" },
        ],
        ipConfigurations: [
          { name: 'nat', properties: { subnet: { id: "[format('{0}/subnets/svc', variables('vnet'))]" } } },
        ],
        autoApproval: { subscriptions: ['[subscription().subscriptionId]'] },
      },
    },
    {
      type: 'Microsoft.Network/privateEndpoints',
      apiVersion: '2024-05-01',
      name: "[format('pe{0}', copyIndex())]",
      location: 'westeurope',
      copy: { name: 'endpoints', count: endpoints },
      dependsOn: ["[resourceId('Microsoft.Network/privateLinkServices', 'pls')]"],
      properties: {
        subnet: { id: "[format('{0}/subnets/pe', variables('vnet'))]" },
        customNetworkInterfaceName: "[format('pe{0}-nic', copyIndex())]",
        privateLinkServiceConnections: [
          {
            name: 'link',
            properties: {
              privateLinkServiceId: "[resourceId('Microsoft.Network/privateLinkServices', 'pls')]",
            },
          },
        ],
      },
    },
    {
      type: 'Microsoft.Network/privateDnsZones',
      apiVersion: '2024-06-01',
      name: 'internal.net',
      location: 'global',
    },
  ],
};

/** The template in another address space, so addresses tell the subscriptions apart. */
const otherTemplate = JSON.parse(JSON.stringify(template).replaceAll('10.60.', '10.61.')) as typeof template;

const endpointId = (subscription: string, group: string, name: string) =>
  `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Network/privateEndpoints/${name}`;

/** Which subscription each ARM call went to, by kind of resource: `endpoint`, `nic` or `zone`. */
function subscriptionsCalled(calls: CallRecord[]): Record<string, string[]> {
  const kinds = { endpoint: '/privateendpoints/', nic: '/networkinterfaces/', zone: '/privatednszones/' };
  const seen: Record<string, Set<string>> = {};
  for (const call of calls) {
    const path = call.path.toLowerCase();
    for (const [kind, marker] of Object.entries(kinds)) {
      if (path.includes(marker)) (seen[kind] ??= new Set()).add(path.split('/')[2]!);
    }
  }
  return Object.fromEntries(Object.entries(seen).map(([kind, subs]) => [kind, [...subs]]));
}

function step(inputs: Record<string, string>): Promise<GitHubStepResult> {
  return runGitHubStep({
    actionDir,
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      'private-endpoint-resource-group': rg,
      'zone-resource-group': rg,
      zone: 'internal.net',
      ...inputs,
    },
    env: githubRunnerEnvironment(local.cloud),
    timeoutMs: 90_000,
  });
}

async function record(name: string, zone = { client: dns, group: rg }): Promise<string[]> {
  const set = await zone.client.recordSets.get(zone.group, 'internal.net', 'A', name);
  return (set.aRecords ?? []).map((r) => r.ipv4Address!).sort();
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-endpoint-dns-'));
  const scenario = defaultScenario();
  scenario.tenants[0]!.subscriptions.push({ id: other, displayName: 'other' });
  local = await startLocalCloud({ stateDir, scenario });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  trustCloudCa(local.cloud.caPem);
  const { credential, options: classic } = cloudSdkAccess(local.cloud);
  const deploy = async (subscription: string, group: string, body: typeof template) => {
    await new ResourceManagementClient(credential, subscription, classic).resourceGroups.createOrUpdate(
      group,
      { location: 'westeurope' },
    );
    await new DeploymentsClient(credential, subscription, classic).deployments.createOrUpdate(
      group,
      'setup',
      { properties: { template: body, mode: 'Incremental' } },
      { updateIntervalInMs: 20 },
    );
  };
  await deploy(local.cloud.subscriptionId, rg, template);
  await deploy(other, otherRg, otherTemplate);
  dns = new PrivateDnsManagementClient(credential, local.cloud.subscriptionId, classic);
  otherDns = new PrivateDnsManagementClient(credential, other, classic);
}, 60_000);

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('endpoint-dns on the GitHub runner', () => {
  it('publishes the endpoint NIC address as an A record, then a re-run writes nothing', async () => {
    const first = await step({ 'private-endpoint': 'pe0', 'record-names': 'OnPrem-Server' });
    expect(first.errors).toEqual([]);
    expect(first.outputs).toMatchObject({
      ips: '10.60.1.4',
      fqdns: 'onprem-server.internal.net.',
      changed: 'true',
    });
    expect(await record('onprem-server')).toEqual(['10.60.1.4']);
    expect(first.summary).toContain('| onprem-server.internal.net. | 10.60.1.4 | written (attempt 1) |');

    await admin.clearCalls();
    const again = await step({ 'private-endpoint': 'pe0', 'record-names': 'onprem-server' });
    expect(again.outputs.changed).toBe('false');
    const writes = (await admin.calls()).filter((c) => c.method !== 'GET' && c.operation !== 'token');
    expect(writes).toEqual([]);
  });

  it('ten runs at once on the same record, each adding its own endpoint address, lose none', async () => {
    await admin.clearCalls();
    // A write lands two seconds after its request, as on ARM. Ten runs start within 18 s (their processes start
    // together, even on two busy cores), so two read the record less than two seconds apart: either both write
    // on what they read, or the first's read is stale when it writes. Either way one gets 412 and must read again.
    await admin.setLatencies({ writeMs: 2000 });
    let runs: GitHubStepResult[];
    try {
      runs = await Promise.all(
        Array.from({ length: endpoints }, (_, i) =>
          step({ 'private-endpoint': `pe${i}`, 'record-names': 'shared' }),
        ),
      );
    } finally {
      await admin.setLatencies({});
    }
    expect(runs.flatMap((r) => r.errors)).toEqual([]);
    const expected = runs.map((r) => r.outputs.ips!).sort();
    expect(new Set(expected).size).toBe(endpoints);
    expect(await record('shared')).toEqual(expected);

    // Every write was conditional: the one that created the record sent If-None-Match: *, each update If-Match.
    const puts = (await admin.calls()).filter((c) => c.method === 'PUT' && /\/A\/shared$/i.test(c.path));
    const withStatus = (status: number) => puts.filter((c) => c.status === status);
    expect(withStatus(201).map((c) => c.precondition)).toEqual(['If-None-Match: *']);
    expect(withStatus(200)).toHaveLength(endpoints - 1);
    for (const put of withStatus(200)) expect(put.precondition).toMatch(/^If-Match: \S+$/);
    // Some writes lost the race, and each loss was followed by one more attempt (read again, write again).
    const lost = withStatus(412);
    expect(lost.length).toBeGreaterThan(0);
    for (const put of lost) expect(put.precondition).toMatch(/^If-(None-Match: \*|Match: \S+)$/);
    expect(puts).toHaveLength(endpoints + lost.length);
    const attempts = runs.map((r) => Number(/written \(attempt (\d+)\)/.exec(r.summary)?.[1]));
    expect(attempts.reduce((sum, n) => sum + n, 0)).toBe(puts.length);
  });

  it('prune keeps exactly the endpoint addresses', async () => {
    const step1 = await step({ 'private-endpoint': 'pe3', 'record-names': 'shared', prune: 'true' });
    expect(step1.outputs.changed).toBe('true');
    expect(await record('shared')).toEqual([step1.outputs.ips]);
  });

  it.each([
    [
      { 'private-endpoint': 'pe0', 'record-names': 'bad_name-.x' },
      /^Input record-names has "bad_name-\.x", which is not a valid DNS record name/,
    ],
    [{ 'private-endpoint': 'pe0', 'record-names': '' }, /^Input record-names is empty: give the record name/],
    [
      {
        'private-endpoint': '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/nope/z',
        'record-names': 'a',
      },
      /^Input private-endpoint is .* not a Microsoft.Network\/privateEndpoints resource id/,
    ],
  ])('bad input %j: one sentence and no call to the cloud', async (inputs, sentence) => {
    await admin.clearCalls();
    const result = await step(inputs);
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(sentence);
    expect(await admin.calls()).toEqual([]);
  });

  it('an endpoint or zone that does not exist: one sentence, nothing written', async () => {
    const missing = await step({ 'private-endpoint': 'pe-missing', 'record-names': 'x' });
    expect(missing.errors).toEqual([
      expect.stringMatching(/^The private endpoint pe-missing does not exist in resource group rg-dns-e2e/),
    ]);
    const zone = await step({ 'private-endpoint': 'pe0', 'record-names': 'x', zone: 'nowhere.net' });
    expect(zone.errors).toEqual([expect.stringMatching(/^The private DNS zone nowhere\.net does not exist/)]);
    await expect(dns.recordSets.get(rg, 'internal.net', 'A', 'x')).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('endpoint-dns across subscriptions', () => {
  it('reads an endpoint in another subscription there, and writes the record in the zone of its own', async () => {
    await admin.clearCalls();
    const result = await step({
      'private-endpoint': endpointId(other, otherRg, 'pe0'),
      'record-names': 'from-other',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs.ips).toBe('10.61.1.4');
    expect(await record('from-other')).toEqual(['10.61.1.4']);
    expect(subscriptionsCalled(await admin.calls())).toEqual({
      endpoint: [other],
      nic: [other],
      zone: [local.cloud.subscriptionId],
    });
  });

  it('writes the record in a zone named by id in another subscription', async () => {
    await admin.clearCalls();
    const result = await step({
      'private-endpoint': 'pe2',
      zone: `/subscriptions/${other}/resourceGroups/${otherRg}/providers/Microsoft.Network/privateDnsZones/internal.net`,
      'record-names': 'to-other',
    });
    expect(result.errors).toEqual([]);
    expect(subscriptionsCalled(await admin.calls())).toEqual({
      endpoint: [local.cloud.subscriptionId],
      nic: [local.cloud.subscriptionId],
      zone: [other],
    });
    expect(await record('to-other', { client: otherDns, group: otherRg })).toEqual([result.outputs.ips]);
    await expect(dns.recordSets.get(rg, 'internal.net', 'A', 'to-other')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("reads a NIC in the subscription its own id names, not the endpoint's", async () => {
    // An endpoint in the other subscription whose NIC is pe9's, in the connection's subscription.
    const nicId = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/pe9-nic`;
    await admin.patchResource(endpointId(other, otherRg, 'pe1'), {
      properties: { networkInterfaces: [{ id: nicId }] },
    });
    const nic = await admin.getResource(nicId);
    const configs = nic.properties.ipConfigurations as { properties: { privateIPAddress: string } }[];
    await admin.clearCalls();
    const result = await step({
      'private-endpoint': endpointId(other, otherRg, 'pe1'),
      'record-names': 'nic-elsewhere',
    });
    expect(result.errors).toEqual([]);
    expect(await record('nic-elsewhere')).toEqual([configs[0]!.properties.privateIPAddress]);
    expect(subscriptionsCalled(await admin.calls())).toEqual({
      endpoint: [other],
      nic: [local.cloud.subscriptionId],
      zone: [local.cloud.subscriptionId],
    });
  });
});

describe('endpoint-dns on the Azure DevOps agent', () => {
  it('publishes through a workload-identity service connection and sets the output variables', async () => {
    const agent = azureDevOpsAgentEnvironment(local.cloud);
    const task = await runAzureDevOpsTask({
      taskDir: actionDir,
      inputs: {
        azureSubscription: agent.connectionId,
        privateEndpoint: `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/pe1`,
        zone: `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/privateDnsZones/internal.net`,
        recordNames: 'ado-record',
        cloud: local.cloud.resourceManager,
      },
      endpoints: agent.endpoints,
      variables: agent.variables,
      secretVariables: agent.secretVariables,
      timeoutMs: 90_000,
    });
    expect(task.errors).toEqual([]);
    expect(task.result).toBe('Succeeded');
    expect(task.outputs.changed?.value).toBe('true');
    expect(await record('ado-record')).toEqual([task.outputs.ips!.value]);
  });
});
