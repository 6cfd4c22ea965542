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

// Bad inputs on the runner and the agent: one sentence naming the input that is actually wrong, and no call
// (a malformed started-groups entry used to blame resource-group; a duplicate box, a probe without a box).
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = mkdtempSync(join(tmpdir(), 'azpn-jump-inputs-'));
const sub = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const boxId = (group: string, name: string, subscription = sub) =>
  `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.ContainerInstance/containerGroups/${name}`;

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
    'jump-boxes': 'jb-hub\njb-spoke',
    'resource-group': 'rg-jump',
    probes: '- name: web\n  jump-box: jb-hub\n  http: http://10.0.0.4:8000',
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

const stop = { mode: 'stop', probes: '' };
const started = (entries: unknown) => ({ ...stop, 'started-groups': JSON.stringify(entries) });

describe.each(['github', 'ado'] as const)('jumpbox-probe blames the input that is wrong (%s)', (platform) => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'started-groups that is not JSON',
      { ...stop, 'started-groups': 'jb-hub was started' },
      'started-groups',
      /is not valid JSON/,
    ],
    [
      'started-groups that is an object',
      started({ id: boxId('rg', 'jb') }),
      'started-groups',
      /must be array/,
    ],
    [
      'started-groups that is a list of strings',
      started(['jb-hub']),
      'started-groups',
      /has \[0\], which must be object/,
    ],
    [
      'a startedAt of yesterday',
      started([{ id: boxId('rg', 'jb'), startedAt: 'yesterday' }]),
      'started-groups',
      /\[0\]\.startedAt, which must be number/,
    ],
    [
      'a started group through ..',
      started([{ id: boxId('..', 'jb') }]),
      'started-groups',
      /"\." or "\.\." segment/,
    ],
    [
      'a stop of a box whose id goes through ..',
      { ...stop, 'stop-after': 'all', 'jump-boxes': boxId('rg/..', 'jb') },
      'jump-boxes',
      /"\." or "\.\." segment/,
    ],
    [
      'a jump box id with a non-GUID subscription',
      { 'jump-boxes': boxId('rg', 'jb-hub', 'my-sub') },
      'jump-boxes',
      /its subscription is not a GUID/,
    ],
    [
      'a jump box id without its leading slash',
      { 'jump-boxes': boxId('rg', 'jb-hub').slice(1) },
      'jump-boxes',
      /it does not start with \/subscriptions\//,
    ],
    [
      'a jump box listed twice',
      { 'jump-boxes': 'jb-hub\njb-hub', probes: '- name: web\n  command: "true"' },
      'jump-boxes',
      /lists the container group jb-hub twice/,
    ],
    [
      'a resource group with a space',
      { 'resource-group': 'rg jump' },
      'resource-group',
      /not a valid resource group name/,
    ],
    [
      'a misspelt probe key',
      { probes: '- name: web\n  jump-box: jb-hub\n  comand: "true"' },
      'probes',
      /has \[0\]\.comand, which is not a property it takes/,
    ],
    [
      'a 100 KB probe name',
      { probes: `- name: ${'n'.repeat(102_400)}\n  jump-box: jb-hub\n  command: "true"` },
      'probes',
      /names are 1 to 64/,
    ],
    [
      'a probe timeout that is not a number',
      { 'probe-timeout': 'soon' },
      'probe-timeout',
      /not a whole number/,
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
