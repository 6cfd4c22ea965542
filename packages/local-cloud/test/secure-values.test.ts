import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { armRequest, cloudSdkAccess, type CloudSdkAccess } from '../src/test-support.js';

// A deployment's secure parameters (securestring, secureObject) never show in clear anywhere the local cloud answers
// or writes: the deployment, its operations, validate and what-if, resource reads, the call log, the snapshot file
// and the cloud's own output. The values carry what escaping gets wrong: quotes, backslashes, %, newlines, non-ASCII.

const password = 'p@"ss\'w\\rd%41%\nzwölf-密码-line';
const settings = { token: 'tok"en\\%0A\n→end', nested: { key: 'k€y-😀-"quoted"' } };
const unused = 'never-used-%s-"\\u0041"-Ünïcödé';
const secretStrings = [password, settings.token, settings.nested.key, unused];

/** Every form a secret could be written in: raw, JSON-escaped, URL-encoded, and each of its lines. */
function forms(secret: string): string[] {
  const lines = secret.split('\n').filter((line) => line.length >= 4);
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), ...lines];
}

function expectNoSecret(where: string, text: string): void {
  const found = secretStrings.flatMap(forms).filter((form) => text.includes(form));
  expect({ where, found }).toEqual({ where, found: [] });
}

const template = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: {
    adminPassword: { type: 'securestring' },
    settings: { type: 'secureObject' },
    unused: { type: 'securestring' },
    prefix: { type: 'string' },
  },
  resources: [
    {
      type: 'Microsoft.ContainerInstance/containerGroups',
      apiVersion: '2023-05-01',
      name: "[format('{0}-aci', parameters('prefix'))]",
      location: 'westeurope',
      properties: {
        osType: 'Linux',
        containers: [
          {
            name: 'app',
            properties: {
              image: 'busybox',
              resources: { requests: { cpu: 1, memoryInGB: 1 } },
              environmentVariables: [
                { name: 'PASSWORD', secureValue: "[parameters('adminPassword')]" },
                { name: 'TOKEN', secureValue: "[parameters('settings').token]" },
                { name: 'KEY', secureValue: "[parameters('settings').nested.key]" },
              ],
            },
          },
        ],
      },
    },
    {
      type: 'Microsoft.Compute/virtualMachineScaleSets',
      apiVersion: '2024-07-01',
      name: "[format('{0}-vmss', parameters('prefix'))]",
      location: 'westeurope',
      sku: { name: 'Standard_B1s', capacity: 0 },
      properties: {
        virtualMachineProfile: {
          osProfile: {
            computerNamePrefix: 'sec',
            adminUsername: 'azureuser',
            adminPassword: "[parameters('adminPassword')]",
          },
          networkProfile: { networkInterfaceConfigurations: [] },
        },
      },
    },
  ],
  outputs: {
    passwordOut: { type: 'securestring', value: "[parameters('adminPassword')]" },
    settingsOut: { type: 'secureObject', value: "[parameters('settings')]" },
    name: { type: 'string', value: "[parameters('prefix')]" },
  },
};

/** A template whose evaluation fails on a secure value: the engine's error quotes the value it could not convert. */
const failing = {
  ...template,
  resources: [
    {
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      apiVersion: '2023-01-31',
      name: 'id-sec',
      location: 'westeurope',
      properties: { count: "[int(parameters('adminPassword'))]" },
    },
  ],
  outputs: {},
};

const parameters = {
  adminPassword: { value: password },
  settings: { value: settings },
  unused: { value: unused },
  prefix: { value: 'sec' },
};

const rg = 'rg-secure';
let dir: string;
let local: LocalCloud;
let access: CloudSdkAccess;
let deployments: DeploymentsClient;
const written: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  // The cloud's own output (stdout, stderr) for the whole run.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  dir = await mkdtemp(join(tmpdir(), 'local-cloud-secure-'));
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
    snapshotFile: join(dir, 'snapshot.json'),
  });
  trustCloudCa(local.cloud.caPem);
  access = cloudSdkAccess(local.cloud);
  const resources = new ResourceManagementClient(
    access.credential,
    local.cloud.subscriptionId,
    access.options,
  );
  await resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  deployments = new DeploymentsClient(access.credential, local.cloud.subscriptionId, access.options);
});
afterAll(async () => {
  await local?.stop();
  for (const undo of restore) undo();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function arm(method: string, path: string, version: string, body?: unknown) {
  const group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`;
  return armRequest(local.cloud, access, method, `${group}${path}?api-version=${version}`, body);
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

describe('secure parameter values never appear in clear', () => {
  it('in what-if, before and after the deployment', async () => {
    const before = await deployments.deployments.whatIf(rg, 'secure', {
      properties: { template, parameters, mode: 'Incremental' },
    });
    expect(before.changes?.map((c) => c.changeType)).toEqual(['Create', 'Create']);
    expectNoSecret('what-if before', text(before));
  });

  it('in validate, the deployment, its operations and the resources it wrote', async () => {
    const validated = await arm(
      'POST',
      '/providers/Microsoft.Resources/deployments/secure/validate',
      '2024-03-01',
      {
        properties: { template, parameters, mode: 'Incremental' },
      },
    );
    expect(validated.status).toBe(200);
    expectNoSecret('validate', text(validated.body));
    const deployed = await deployments.deployments.createOrUpdate(
      rg,
      'secure',
      { properties: { template, parameters, mode: 'Incremental' } },
      { updateIntervalInMs: 20 },
    );
    expect(deployed.properties?.provisioningState).toBe('Succeeded');
    expect(deployed.properties?.parameters).toMatchObject({
      adminPassword: { type: 'SecureString' },
      settings: { type: 'SecureObject' },
    });
    expect(deployed.properties?.outputs).toMatchObject({ name: { value: 'sec' } });
    const got = await arm('GET', '/providers/Microsoft.Resources/deployments/secure', '2024-03-01');
    expectNoSecret('deployment', text(got.body));
    const operations = await arm(
      'GET',
      '/providers/Microsoft.Resources/deployments/secure/operations',
      '2024-03-01',
    );
    expect((operations.body as { value: unknown[] }).value).toHaveLength(2);
    expectNoSecret('operations', text(operations.body));
    const aci = await arm(
      'GET',
      '/providers/Microsoft.ContainerInstance/containerGroups/sec-aci',
      '2023-05-01',
    );
    expect(text(aci.body)).toContain('"name":"PASSWORD"');
    expectNoSecret('container group', text(aci.body));
    const vmss = await arm(
      'GET',
      '/providers/Microsoft.Compute/virtualMachineScaleSets/sec-vmss',
      '2024-07-01',
    );
    expect(text(vmss.body)).toContain('"adminUsername":"azureuser"');
    expectNoSecret('scale set', text(vmss.body));
    const listed = await arm('GET', '/resources', '2024-03-01');
    expectNoSecret('resource list', text(listed.body));
    const again = await deployments.deployments.whatIf(rg, 'secure', {
      properties: { template, parameters, mode: 'Complete' },
    });
    expect(again.changes?.map((c) => c.changeType).sort()).toEqual(['NoChange', 'NoChange']);
    expectNoSecret('what-if after', text(again));
  });

  it('in the errors of a deployment whose template fails on a secure value', async () => {
    const refused = await arm('PUT', '/providers/Microsoft.Resources/deployments/failing', '2024-03-01', {
      properties: { template: failing, parameters, mode: 'Incremental' },
    });
    expect(refused.status).toBe(400);
    expect(text(refused.body)).toContain("the value '[parameters('adminPassword')]'");
    expectNoSecret('refused deployment', text(refused.body));
    const validated = await arm(
      'POST',
      '/providers/Microsoft.Resources/deployments/failing/validate',
      '2024-03-01',
      {
        properties: { template: failing, parameters, mode: 'Incremental' },
      },
    );
    expect(validated.status).toBe(400);
    expectNoSecret('refused validate', text(validated.body));
  });

  it('in the call log, the snapshot file and the cloud’s own output', async () => {
    const calls = await new LocalCloudAdmin(local.cloud).calls();
    expect(calls.length).toBeGreaterThan(5);
    expectNoSecret('call log', text(calls));
    await local.stop();
    const snapshot = await readFile(join(dir, 'snapshot.json'), 'utf8');
    expect(snapshot).toContain('sec-aci');
    expectNoSecret('snapshot file', snapshot);
    expectNoSecret('stdout and stderr', written.join(''));
    local = await startLocalCloud({ scenario: defaultScenario(), snapshotFile: join(dir, 'snapshot.json') });
  });
});
