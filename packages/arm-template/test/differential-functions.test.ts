import { describe, expect, it } from '@jest/globals';
import { evaluateWithBicepConsole } from '@azpn/bicep';
import { ArmTemplateError, evaluateExpression } from '../src/index.js';
import { generateFunctionCases } from './function-cases.js';

const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};

function ours(arm: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: evaluateExpression(`[${arm}]`, context) };
  } catch (error) {
    if (error instanceof ArmTemplateError) return { ok: false, error: error.message };
    throw error;
  }
}

describe('functions against the ARM engine inside bicep console (seeded, property-based)', () => {
  it('gives the same concrete result for every generated call', async () => {
    const cases = generateFunctionCases(20261123, 12);
    const fixed = [
      { fn: 'uniqueString', bicep: "uniqueString('test')", arm: "uniqueString('test')" },
      { fn: 'parseCidr', bicep: "parseCidr('fdad:3236:5555::/48')", arm: "parseCidr('fdad:3236:5555::/48')" },
      {
        fn: 'cidrHost',
        bicep: "cidrHost('fdad:3236:5555::/64', 2)",
        arm: "cidrHost('fdad:3236:5555::/64', 2)",
      },
    ];
    const all = [...fixed, ...cases];
    const oracle = await evaluateWithBicepConsole(all.map((c) => c.bicep));
    const mismatches: string[] = [];
    let compared = 0;
    all.forEach((c, i) => {
      const expected = oracle[i];
      if (!expected?.ok) {
        // A runtime failure in ARM must be a failure here too; compile-time (Bicep type) errors prove nothing.
        if (expected?.error.includes('Failed to evaluate') && ours(c.arm).ok) {
          mismatches.push(`${c.arm}: ARM failed (${expected.error.split('\n').pop()}), we gave a value`);
        }
        return;
      }
      compared++;
      const actual = ours(c.arm);
      if (!actual.ok)
        mismatches.push(`${c.arm}: ARM gave ${JSON.stringify(expected.value)}, we failed: ${actual.error}`);
      else if (JSON.stringify(actual.value) !== JSON.stringify(expected.value)) {
        mismatches.push(
          `${c.arm}: ARM gave ${JSON.stringify(expected.value)}, we gave ${JSON.stringify(actual.value)}`,
        );
      }
    });
    expect(oracle[0]).toEqual({ ok: true, value: 'rbgf3xv4ufgzg' });
    // Most generated calls must be valid for ARM, or the test proves little.
    expect(compared).toBeGreaterThan(all.length * 0.8);
    expect(mismatches).toEqual([]);
  });
});
