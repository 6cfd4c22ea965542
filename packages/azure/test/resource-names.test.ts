import { describe, expect, it } from '@jest/globals';
import { resourceNameProblem, type NamedResourceKind } from '../src/index.js';

describe('resourceNameProblem: ARM naming rules per resource type', () => {
  it.each<[NamedResourceKind, string]>([
    ['resource group', 'rg-e2e'],
    ['resource group', 'a'.repeat(90)],
    ['resource group', 'Prod_(eu).1'],
    ['resource group', 'ärger'],
    ['deployment', 'forwarder-42-a2'],
    ['deployment', 'x'.repeat(64)],
    ['container group', 'jump-spoke'],
    ['private endpoint', 'pe-forwarder'],
    ['private endpoint', 'pe_1'],
    ['private DNS zone', 'internal.net'],
    ['private DNS zone', 'privatelink.blob.core.windows.net'],
    ['private DNS record set', '@'],
    ['private DNS record set', 'onprem-server'],
    ['private DNS record set', '_sip._tcp'],
  ])('accepts a %s named %j', (kind, name) => {
    expect(resourceNameProblem(kind, name)).toBeUndefined();
  });

  it.each<[NamedResourceKind, string]>([
    ['resource group', ''],
    ['resource group', 'a'.repeat(91)],
    ['resource group', 'rg.'],
    ['resource group', '..'],
    ['resource group', 'rg/x'],
    ['resource group', 'rg x'],
    ['resource group', 'rg#1'],
    ['deployment', '..'],
    ['deployment', '.'],
    ['deployment', 'x'.repeat(65)],
    ['deployment', 'a/b'],
    ['container group', 'Jump'],
    ['container group', '-jump'],
    ['container group', 'jump--box'],
    ['container group', 'j'.repeat(64)],
    ['private endpoint', 'p'],
    ['private endpoint', 'pe-'],
    ['private endpoint', 'p'.repeat(102_400)],
    ['private endpoint', '../pe'],
    ['private DNS zone', 'localhost'],
    ['private DNS zone', 'a..b'],
    ['private DNS zone', `${'a'.repeat(64)}.net`],
    ['private DNS zone', `${'a.'.repeat(34)}net`],
    ['private DNS record set', 'host.'],
    ['private DNS record set', '-host'],
    ['private DNS record set', 'a b'],
  ])('refuses a %s named %j, saying what to use', (kind, name) => {
    expect(resourceNameProblem(kind, name)).toMatch(/^(use|@)/);
  });
});
