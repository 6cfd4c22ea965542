import { functionError } from '../errors.js';
import { type ArmValue, armEquals, armTypeOf } from '../values.js';
import { arity } from './arguments.js';
import type { FunctionFamily } from './registry.js';

// ARM compares strings with the invariant culture, ignoring case: punctuation sorts by collation, not code point.
// Made on first use: setting up a collator takes milliseconds, and most templates compare no strings.
let invariantIgnoreCase: Intl.Collator | undefined;

/** Orders two numbers or two strings as ARM does: strings by invariant culture collation, ignoring case. */
export function compareValues(name: string, a: ArmValue, b: ArmValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    invariantIgnoreCase ??= new Intl.Collator('en-US', { sensitivity: 'accent' });
    return invariantIgnoreCase.compare(a, b);
  }
  throw functionError(
    name,
    `expects two integers or two strings, not '${armTypeOf(a)}' and '${armTypeOf(b)}'`,
  );
}

function comparison(name: string, test: (order: number) => boolean) {
  return {
    apply: (args: ArmValue[]) => {
      arity(name, args, 2);
      return test(compareValues(name, args[0] as ArmValue, args[1] as ArmValue));
    },
  };
}

/** Comparison functions of the ARM template language. */
export const comparisonFunctions: FunctionFamily = {
  coalesce: {
    apply: (a) => {
      arity('coalesce', a, 1, Infinity);
      return a.find((v) => v !== null) ?? null;
    },
  },
  equals: { apply: (a) => (arity('equals', a, 2), armEquals(a[0] as ArmValue, a[1] as ArmValue)) },
  greater: comparison('greater', (o) => o > 0),
  greaterorequals: comparison('greaterOrEquals', (o) => o >= 0),
  less: comparison('less', (o) => o < 0),
  lessorequals: comparison('lessOrEquals', (o) => o <= 0),
};
