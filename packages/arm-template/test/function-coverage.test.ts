import { describe, expect, it } from '@jest/globals';
import { builtInFunctionNames, evaluateExpression, RuntimeValue } from '../src/index.js';
import { generateFunctionCases } from './function-cases.js';
import { REFERENCE_FUNCTIONS } from './reference-functions.js';

const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};

describe('coverage of the ARM template functions reference', () => {
  it('implements every function the reference lists', () => {
    const implemented = new Set(builtInFunctionNames());
    // list* is matched by prefix: any listSomething call is a runtime list action.
    const missing = REFERENCE_FUNCTIONS.filter(
      (name) => !name.startsWith('list') && !implemented.has(name.toLowerCase()),
    );
    expect(missing).toEqual([]);
    for (const action of ['listKeys', 'listSecrets', 'listAccountSas', 'listFoo']) {
      expect(
        evaluateExpression(
          `[${action}('/subscriptions/00000000-0000-0000-0000-0000000000c1/x', '2020-01-01')]`,
          context,
        ),
      ).toBeInstanceOf(RuntimeValue);
    }
  });

  it('generates differential cases for reference functions, plus flatten, which ARM has beyond the reference', () => {
    const names = new Set(REFERENCE_FUNCTIONS.map((n) => n.toLowerCase()));
    const generated = new Set(generateFunctionCases(1, 1).map((c) => c.fn.toLowerCase()));
    expect([...generated].filter((n) => !names.has(n))).toEqual(['flatten']);
  });
});
