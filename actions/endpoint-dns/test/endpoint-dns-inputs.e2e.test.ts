import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAzureDevOpsTask, runGitHubStep } from '@azpn/action-host';
import {
  azureDevOpsAgentEnvironment,
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';

// Bad inputs on the runner and the agent: one sentence naming the input that is actually wrong, and no call.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = mkdtempSync(join(tmpdir(), 'azpn-dns-inputs-'));
const sub = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const peId = (group: string, name: string, subscription = sub) =>
  `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Network/privateEndpoints/${name}`;

let local: LocalCloud;
let admin: LocalCloudAdmin;

beforeAll(async () => {
  local = await startLocalCloud({ stateDir });
  admin = new LocalCloudAdmin(local.cloud);
  trustCloudCa(local.cloud.caPem);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const adoNames = (inputs: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]),
  );

async function errorsOn(platform: 'github' | 'ado', inputs: Record<string, string>): Promise<string[]> {
  const given = {
    cloud: local.cloud.resourceManager,
    'private-endpoint': 'pe-1',
    'private-endpoint-resource-group': 'rg-net',
    zone: 'internal.net',
    'zone-resource-group': 'rg-dns',
    'record-names': 'web',
    ...inputs,
  };
  if (platform === 'github') {
    const step = await runGitHubStep({
      actionDir,
      inputs: {
        'tenant-id': local.cloud.tenantId,
        'client-id': defaultIds.deployerClientId,
        'subscription-id': local.cloud.subscriptionId,
        ...given,
      },
      env: githubRunnerEnvironment(local.cloud),
      timeoutMs: 60_000,
    });
    expect(step.exitCode).toBe(1);
    return step.errors;
  }
  const agent = azureDevOpsAgentEnvironment(local.cloud);
  const task = await runAzureDevOpsTask({
    taskDir: actionDir,
    inputs: { azureSubscription: agent.connectionId, ...adoNames(given) },
    endpoints: agent.endpoints,
    variables: agent.variables,
    secretVariables: agent.secretVariables,
    timeoutMs: 60_000,
  });
  expect(task.result).toBe('Failed');
  return task.errors;
}

describe.each(['github', 'ado'] as const)('endpoint-dns blames the input that is wrong (%s)', (platform) => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'an oversized zone name',
      { zone: `${'z'.repeat(70)}.net` },
      'zone',
      /not a valid private DNS zone name/,
    ],
    ['a zone of ..', { zone: '..' }, 'zone', /not a valid private DNS zone name/],
    [
      'a 100 KB endpoint name',
      { 'private-endpoint': 'p'.repeat(102_400) },
      'private-endpoint',
      /\(102400 characters\), which is not a valid private endpoint name/,
    ],
    [
      'an id through ..',
      { 'private-endpoint': peId('..', 'pe-1') },
      'private-endpoint',
      /"\." or "\.\." segment/,
    ],
    [
      'an id with a non-GUID subscription',
      { 'private-endpoint': peId('rg', 'pe-1', 'my-sub') },
      'private-endpoint',
      /its subscription is not a GUID/,
    ],
    [
      'an id without its leading slash',
      { 'private-endpoint': peId('rg', 'pe-1').slice(1) },
      'private-endpoint',
      /it does not start with \/subscriptions\//,
    ],
    [
      'a group with a slash',
      { 'private-endpoint-resource-group': 'rg/../x' },
      'private-endpoint-resource-group',
      /not a valid resource group name/,
    ],
    [
      'a zone group ending in a dot',
      { 'zone-resource-group': 'rg.' },
      'zone-resource-group',
      /not a valid resource group name/,
    ],
    [
      'a record name with a slash',
      { 'record-names': 'web/../x' },
      'record-names',
      /not a valid DNS record name/,
    ],
    ['a ttl of zero', { ttl: '0' }, 'ttl', /outside the allowed range/],
    [
      'a zone subscription that is not a GUID',
      { 'zone-subscription-id': 'other' },
      'zone-subscription-id',
      /use a GUID/,
    ],
  ])('%s', async (_, inputs, input, sentence) => {
    await admin.clearCalls();
    const errors = await errorsOn(platform, inputs);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^Input ${input} `));
    expect(errors[0]).toMatch(sentence);
    expect(errors[0]!.length).toBeLessThan(600);
    expect(await admin.calls()).toEqual([]);
  });
});
