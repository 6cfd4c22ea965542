import { ArmTemplateError, functionError } from '../errors.js';
import { type ArmValue, armTypeOf } from '../values.js';
import { arity, boolArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

function toBool(args: ArmValue[]): boolean {
  arity('bool', args, 1);
  const value = args[0] as ArmValue;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value !== 0;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw functionError(
    'bool',
    `cannot convert the value '${String(value)}' of type '${armTypeOf(value)}' to a boolean`,
  );
}

/** Logical functions of the ARM template language (`if` is evaluated lazily by the evaluator). */
export const logicalFunctions: FunctionFamily = {
  and: { apply: (a) => (arity('and', a, 2, Infinity), a.every((_v, i) => boolArg('and', a, i))) },
  or: { apply: (a) => (arity('or', a, 2, Infinity), a.map((_v, i) => boolArg('or', a, i)).some(Boolean)) },
  not: { apply: (a) => (arity('not', a, 1), !boolArg('not', a, 0)) },
  bool: { apply: toBool },
  true: { apply: (a) => (arity('true', a, 0), true) },
  false: { apply: (a) => (arity('false', a, 0), false) },
  // Stops the deployment with the template's own message (Bicep's fail()); `if` evaluates only its taken branch.
  fail: {
    apply: (a) => {
      arity('fail', a, 1);
      throw new ArmTemplateError('InvalidTemplate', String(a[0]));
    },
  },
};
