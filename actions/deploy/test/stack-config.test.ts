import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@azpn/core';
import { createMemoryPlatform } from '@azpn/core/memory';
import { readActionConfig } from '../src/config.js';

// The scope and stack inputs, read before any Azure call: each bad combination is one sentence naming the input.
const workspace = mkdtempSync(join(tmpdir(), 'azpn-stack-config-'));
mkdirSync(join(workspace, 'bicep', 'landing'), { recursive: true });
writeFileSync(join(workspace, 'bicep', 'landing', 'main.json'), '{}');
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const guid = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const base = {
  template: 'bicep/landing/main.json',
  'resource-group': 'rg-app',
  'tenant-id': guid,
  'client-id': guid,
  'subscription-id': guid,
};

function read(inputs: Record<string, string | undefined>) {
  const given = Object.fromEntries(
    Object.entries({ ...base, ...inputs }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const { platform } = createMemoryPlatform({ inputs: given, context: { workspace } });
  return readActionConfig(platform);
}

/** The input a refusal names and its sentence. */
function refusal(inputs: Record<string, string | undefined>): { input: string; message: string } {
  try {
    read(inputs);
  } catch (error) {
    if (error instanceof InputError) return { input: error.input, message: error.message };
    throw error;
  }
  throw new Error('the inputs were accepted');
}

describe('scope', () => {
  it('deploys at a resource group by default and at the subscription with a location', () => {
    expect(read({}).scope).toEqual({ level: 'resourceGroup', resourceGroup: 'rg-app' });
    const sub = read({ scope: 'subscription', 'resource-group': undefined, location: 'West Europe' });
    expect(sub).toMatchObject({ scope: { level: 'subscription' }, location: 'westeurope' });
  });

  it('refuses management-group and tenant scopes, saying where to deploy them', () => {
    expect(refusal({ scope: 'managementGroup' })).toEqual({
      input: 'scope',
      message: expect.stringMatching(
        /^Input scope is managementGroup: this action deploys at resourceGroup or subscription scope only;/,
      ),
    });
    expect(refusal({ scope: 'tenant' }).message).toContain('az deployment tenant create');
  });

  it('needs a location and no resource group at subscription scope, and a resource group at group scope', () => {
    expect(refusal({ scope: 'subscription', 'resource-group': undefined }).input).toBe('location');
    expect(refusal({ scope: 'subscription', location: 'westeurope' })).toMatchObject({
      input: 'resource-group',
      message: expect.stringContaining('scope is subscription'),
    });
    expect(refusal({ 'resource-group': undefined }).input).toBe('resource-group');
  });
});

describe('type stack', () => {
  it('names the stack after the template folder for a main.* template, and maps action-on-unmanage', () => {
    const config = read({
      type: 'stack',
      'action-on-unmanage': 'deleteResources',
      'deny-settings-mode': 'denyDelete',
    });
    expect(config.mode).toBe('deploy');
    expect('stack' in config && config.stack).toMatchObject({
      name: 'landing',
      actionOnUnmanage: { resources: 'delete', resourceGroups: 'detach' },
      denySettings: {
        mode: 'denyDelete',
        excludedPrincipals: [],
        excludedActions: [],
        applyToChildScopes: false,
      },
      bypassStackOutOfSyncError: false,
    });
  });

  it('refuses a stack input given to a plain deployment, and deployment-name given to a stack', () => {
    expect(refusal({ 'deny-settings-mode': 'denyDelete' })).toEqual({
      input: 'deny-settings-mode',
      message:
        'Input deny-settings-mode applies to deployment stacks only: set type to stack, or remove deny-settings-mode.',
    });
    expect(refusal({ type: 'stack', 'deployment-name': 'd1' }).input).toBe('deployment-name');
  });

  it('checks the deny settings as the stacks API does', () => {
    const stack = { type: 'stack', 'deny-settings-mode': 'denyWriteAndDelete' };
    expect(refusal({ ...stack, 'deny-settings-excluded-principals': 'not-a-guid' }).input).toBe(
      'deny-settings-excluded-principals',
    );
    const six = Array.from({ length: 6 }, () => guid).join('\n');
    expect(refusal({ ...stack, 'deny-settings-excluded-principals': six }).message).toContain('at most 5');
    expect(refusal({ ...stack, 'deny-settings-excluded-actions': 'write everything' }).input).toBe(
      'deny-settings-excluded-actions',
    );
    expect(
      refusal({ type: 'stack', 'deny-settings-excluded-actions': 'Microsoft.Network/*/write' }).message,
    ).toContain('applies only when deny-settings-mode is denyDelete or denyWriteAndDelete');
    expect(refusal({ type: 'stack', 'stack-name': '..' }).input).toBe('stack-name');
  });

  it('deletes a stack without a template, and refuses mode delete for a plain deployment', () => {
    const config = read({
      type: 'stack',
      mode: 'delete',
      template: undefined,
      'stack-name': 'app',
      'action-on-unmanage': 'deleteAll',
    });
    expect(config).toMatchObject({
      mode: 'delete',
      stack: { name: 'app', actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' } },
    });
    expect(refusal({ mode: 'delete' })).toMatchObject({
      input: 'mode',
      message: expect.stringContaining('set type to stack'),
    });
    expect(refusal({ type: 'stack', mode: 'delete', template: undefined }).input).toBe('stack-name');
    expect(refusal({ type: 'stack', template: undefined }).input).toBe('template');
  });
});
