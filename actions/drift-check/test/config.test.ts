import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemoryPlatform } from '@azpn/core/memory';
import { readDriftConfig } from '../src/config.js';
import { openTracker } from '../src/tracker-settings.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const template = 'bicep/forwarder/main.bicepparam';
const connection = {
  'tenant-id': '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  'client-id': '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  'subscription-id': '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
};

function config(inputs: Record<string, string>) {
  const { platform } = createMemoryPlatform({
    inputs: { ...connection, ...inputs },
    platform: 'github',
    context: { workspace: root },
  });
  return readDriftConfig(platform);
}

const message = (inputs: Record<string, string>) => {
  try {
    config(inputs);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('drift-check inputs', () => {
  it('one environment from the single inputs, with defaults for label, states and the what-if name', () => {
    const read = config({ environment: 'prod', template, 'resource-group': 'rg-forwarder' });
    expect(read.environments).toEqual([
      expect.objectContaining({
        name: 'prod',
        scope: { level: 'resourceGroup', resourceGroup: 'rg-forwarder' },
        template,
        templateFile: join(root, template),
        deploymentName: 'drift-check-prod',
      }),
    ]);
    expect([read.label, read.workItemType, read.closedState, read.failOnDrift]).toEqual([
      'drift',
      'Issue',
      'Done',
      false,
    ]);
  });

  it('a list whose entries fall back to the template input, with overrides as a mapping or lines', () => {
    const read = config({
      template,
      environments: [
        '- name: prod',
        '  resource-group: rg-prod',
        '  parameter-overrides: { name: prod }',
        '- name: staging',
        '  resource-group: rg-staging',
        '  parameter-overrides: "name=staging"',
      ].join('\n'),
    });
    expect(read.environments.map((e) => [e.name, e.template, [...e.overrides]])).toEqual([
      ['prod', template, [['name', 'prod']]],
      ['staging', template, [['name', 'staging']]],
    ]);
  });

  it('user noise rules from a YAML mapping', () => {
    const read = config({
      environment: 'prod',
      template,
      'resource-group': 'rg',
      'noise-rules':
        'Microsoft.Network/virtualNetworks:\n  - properties.subnets.*.properties.serviceEndpoints',
    });
    expect(read.noiseRules).toEqual([
      expect.objectContaining({
        type: 'Microsoft.Network/virtualNetworks',
        path: 'properties.subnets.*.properties.serviceEndpoints',
      }),
    ]);
  });

  it('refuses each bad input with one sentence naming it', () => {
    const one = { environment: 'prod', template, 'resource-group': 'rg' };
    expect(message({ template, 'resource-group': 'rg' })).toBe(
      'Input required and not supplied: environment (the name of the environment to check), or list them in environments.',
    );
    expect(message({ ...one, environments: `- {name: a, resource-group: rg}` })).toMatch(
      /^Inputs environment and environments are both set/,
    );
    expect(message({ ...one, environment: 'prod env' })).toMatch(
      /^Input environment is .*use 1 to 64 letters/,
    );
    expect(message({ environments: '- {name: a, resource-group: rg}' })).toBe(
      'Input environments gives "a" no template, and input template is not set: give the environment a template.',
    );
    expect(message({ environments: '- {name: a, resource-group: rg, template: x, colour: red}' })).toMatch(
      /^Input environments has \[0\]\.colour, which is not a property it takes/,
    );
    expect(message({ ...one, template: '../outside.bicep' })).toMatch(/^Input template /);
    expect(message({ ...one, 'resource-group': 'rg.' })).toMatch(
      /^Input resource-group is "rg\.", which is not a valid resource group name/,
    );
    expect(message({ ...one, 'noise-rules': 'natGateways: [sku]' })).toBe(
      'Input noise-rules names "natGateways", which is not a resource type such as Microsoft.Network/virtualNetworks.',
    );
    expect(message({ ...one, label: 'a,b' })).toMatch(
      /^Input label is "a,b".*without a comma or a semicolon/,
    );
  });

  it('environments at subscription scope: a location, no resource group, and the scope an entry may change', () => {
    const single = config({ environment: 'zone', template, scope: 'subscription', location: 'West Europe' });
    expect(single.environments).toEqual([
      expect.objectContaining({ scope: { level: 'subscription' }, location: 'westeurope' }),
    ]);
    const listed = config({
      template,
      location: 'westeurope',
      environments: [
        '- {name: zone, scope: subscription}',
        '- {name: app, resource-group: rg-app}',
        '- {name: other, scope: subscription, location: northeurope}',
      ].join('\n'),
    });
    expect(listed.environments.map((e) => [e.name, e.scope, e.location])).toEqual([
      ['zone', { level: 'subscription' }, 'westeurope'],
      ['app', { level: 'resourceGroup', resourceGroup: 'rg-app' }, undefined],
      ['other', { level: 'subscription' }, 'northeurope'],
    ]);
    expect(message({ environment: 'zone', template, scope: 'subscription' })).toBe(
      'Input location is not set, and a subscription-scope environment needs the region of its what-if deployment: set it, such as westeurope.',
    );
    expect(
      message({
        environment: 'zone',
        template,
        scope: 'subscription',
        location: 'westeurope',
        'resource-group': 'rg',
      }),
    ).toMatch(/^Input resource-group is set, but the environment is checked at subscription scope/);
    expect(message({ environments: `- {name: zone, scope: subscription, template: ${template}}` })).toMatch(
      /^Input environments \(zone: location\) is not set/,
    );
    expect(message({ environment: 'zone', template })).toMatch(
      /^Input required and not supplied: resource-group .*or set scope to subscription\.$/,
    );
    expect(message({ environment: 'zone', template, scope: 'tenant' })).toMatch(
      /^Input scope is tenant: drift-check compares environments at resourceGroup or subscription scope only/,
    );
    expect(message({ environment: 'zone', template, scope: 'Subscription' })).toMatch(/^Input scope /);
    expect(message({ environments: '- {name: z, scope: tenant}' })).toMatch(
      /^Input environments has \[0\]\.scope/,
    );
  });

  it('says which platform setting is missing before any call', async () => {
    const read = config({ environment: 'prod', template, 'resource-group': 'rg' });
    await expect(
      openTracker({ platform: 'github', apiUrl: 'https://x/api/v3', repository: 'a/b' }, read),
    ).rejects.toThrow(/^Input github-token is empty/);
    await expect(
      openTracker({ platform: 'azure-devops', collectionUri: 'https://x/', project: 'p' }, read),
    ).rejects.toThrow(/^System\.AccessToken is not available to the task/);
    const { runUrl } = await openTracker(
      {
        platform: 'github',
        token: 't',
        apiUrl: 'https://ghe/api/v3',
        serverUrl: 'https://ghe',
        repository: 'a/b',
        runId: '9',
      },
      read,
    );
    expect(runUrl).toBe('https://ghe/a/b/actions/runs/9');
  });
});
