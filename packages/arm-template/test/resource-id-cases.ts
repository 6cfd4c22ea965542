/**
 * Calls of the resource id functions built from the engine's test fixtures: every resource type and name of the
 * corpus and every string the function cases generate, each written in each form of each function, with and
 * without a trailing slash on the type.
 */
import { generateFunctionCases } from './function-cases.js';

/** A resource type and its name segments, one per type segment after the namespace. */
export interface IdFixture {
  type: string;
  names: string[];
}

const OTHER_SUBSCRIPTION = '00000000-0000-0000-0000-0000000000b2';
const EXTENSION_SCOPE =
  '/subscriptions/00000000-0000-0000-0000-0000000000b2/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/vnet';

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function callOf(fn: string, args: string[]): string {
  return `${fn}(${args.map(quote).join(', ')})`;
}

/** Every form of every resource id function for one fixture, the type with and without a trailing slash. */
export function resourceIdCalls({ type, names }: IdFixture): string[] {
  return ['', '/', '//'].flatMap((slash) => {
    const t = `${type}${slash}`;
    return [
      callOf('resourceId', [t, ...names]),
      callOf('resourceId', ['rg-other', t, ...names]),
      callOf('resourceId', [OTHER_SUBSCRIPTION, 'rg-other', t, ...names]),
      callOf('subscriptionResourceId', [t, ...names]),
      callOf('subscriptionResourceId', [OTHER_SUBSCRIPTION, t, ...names]),
      callOf('tenantResourceId', [t, ...names]),
      callOf('extensionResourceId', [EXTENSION_SCOPE, t, ...names]),
      callOf('extensionResourceId', [`${EXTENSION_SCOPE}/`, t, ...names]),
      callOf('managementGroupResourceId', ['mg-1', t, ...names]),
    ];
  });
}

/** The string literals of the generated function cases (the texts the function tests feed ARM). */
export function functionCaseStrings(seed: number): string[] {
  const found = new Set<string>();
  for (const c of generateFunctionCases(seed, 4)) {
    for (const match of c.arm.matchAll(/'((?:[^']|'')*)'/g))
      found.add((match[1] as string).replace(/''/g, "'"));
  }
  return [...found].filter((s) => s.length <= 24);
}

/** Fixtures from the function cases' strings: each as a name, a pair of names, and an empty neighbour. */
export function fixturesFromStrings(strings: string[]): IdFixture[] {
  return strings.flatMap((s, i) => [
    { type: 'Microsoft.Network/loadBalancers', names: [s] },
    { type: 'Microsoft.Network/loadBalancers/inboundNatRules', names: [strings[i + 1] ?? 'lb', s] },
  ]);
}

/** True when ARM refuses the call for its argument shape alone (a name holding `/`). */
export function hasSlashInName({ names }: IdFixture): boolean {
  return names.some((n) => n.includes('/'));
}
