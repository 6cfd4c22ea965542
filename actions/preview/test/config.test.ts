import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@azpn/core';
import { createMemoryPlatform } from '@azpn/core/memory';
import { readPreviewConfig } from '../src/config.js';

// The deployment a preview hands to deploy's executeDeployment is read with deploy's template inputs and names its
// resource-group scope itself: deploy's run branches on the scope, so a preview without one would not deploy.
const workspace = mkdtempSync(join(tmpdir(), 'azpn-preview-config-'));
writeFileSync(join(workspace, 'main.json'), '{}');
writeFileSync(join(workspace, 'main.bicepparam'), "using 'main.bicep'\n");
writeFileSync(join(workspace, 'values.json'), '{}');
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const guid = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const base = { template: 'main.json', 'tenant-id': guid, 'client-id': guid, 'subscription-id': guid };

function read(inputs: Record<string, string>) {
  const { platform } = createMemoryPlatform({
    inputs: { ...base, ...inputs },
    context: {
      workspace,
      repository: 'azpn/infra',
      pullRequestHead: { number: 7, headSha: 'a'.repeat(40), fork: false },
    },
  });
  const config = readPreviewConfig(platform);
  if (config.mode !== 'deploy') throw new Error(`read mode ${config.mode}`);
  return config.deploy;
}

describe('the deployment a preview runs', () => {
  it('deploys at the resource group named after the pull request, in the location as ARM names it', () => {
    const deploy = read({ location: 'West Europe' });
    expect(deploy).toMatchObject({
      mode: 'deploy',
      scope: { level: 'resourceGroup', resourceGroup: 'preview-infra-pr-7' },
      resourceGroup: 'preview-infra-pr-7',
      location: 'westeurope',
      templateFile: join(workspace, 'main.json'),
      failOnChanges: false,
    });
    expect(deploy.stack).toBeUndefined();
  });

  it("checks its template inputs with deploy's sentences", () => {
    let refused: unknown;
    try {
      read({ template: 'main.bicepparam', parameters: 'values.json' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as InputError).message).toBe(
      'Input parameters cannot be used with a .bicepparam template, which carries its own values: use parameter-overrides instead.',
    );
  });
});

describe('a preview at subscription scope', () => {
  it('deploys a deployment stack named after the pull request that deletes what it manages, groups included', () => {
    const deploy = read({ scope: 'subscription', location: 'West Europe' });
    expect(deploy).toMatchObject({
      scope: { level: 'subscription' },
      resourceGroup: '',
      location: 'westeurope',
      stack: {
        name: 'preview-infra-pr-7',
        actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' },
        denySettings: { mode: 'none' },
      },
    });
  });

  function refusal(inputs: Record<string, string>): string {
    try {
      read(inputs);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return `${(error as InputError).input}: ${(error as Error).message}`;
    }
    throw new Error('not refused');
  }

  it('refuses what the scope cannot use, naming the input', () => {
    expect(refusal({ scope: 'subscription' })).toBe(
      'location: Input location is not set, and a subscription-scope preview needs the region that keeps its deployment stack: set it, such as westeurope.',
    );
    expect(refusal({ scope: 'subscription', location: 'westeurope', 'resource-group': 'rg-x' })).toMatch(
      /^resource-group: Input resource-group is set, but at scope subscription the preview is a deployment stack/,
    );
    expect(refusal({ scope: 'tenant' })).toMatch(
      /^scope: Input scope is tenant: previews live in a resource group or a subscription/,
    );
  });
});
