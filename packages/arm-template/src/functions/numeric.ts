import { functionError } from '../errors.js';
import { type ArmValue, armTypeOf } from '../values.js';
import { arity, intArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

function integerOp(name: string, op: (a: number, b: number) => number) {
  return {
    apply: (args: ArmValue[]) => {
      arity(name, args, 2);
      return op(intArg(name, args, 0), intArg(name, args, 1));
    },
  };
}

function nonZero(name: string, b: number): number {
  if (b === 0) throw functionError(name, 'tried to divide by zero');
  return b;
}

function toInt(args: ArmValue[]): number {
  arity('int', args, 1);
  const value = args[0] as ArmValue;
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value.trim());
  throw functionError(
    'int',
    `cannot convert the value '${String(value)}' of type '${armTypeOf(value)}' to an integer`,
  );
}

function toFloat(args: ArmValue[]): number {
  arity('float', args, 1);
  const value = args[0] as ArmValue;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw functionError('float', `cannot convert the value '${String(value)}' to a floating point number`);
}

/** Numeric functions of the ARM template language: 64-bit integer arithmetic like ARM's. */
export const numericFunctions: FunctionFamily = {
  add: integerOp('add', (a, b) => a + b),
  sub: integerOp('sub', (a, b) => a - b),
  mul: integerOp('mul', (a, b) => a * b),
  div: integerOp('div', (a, b) => Math.trunc(a / nonZero('div', b))),
  mod: integerOp('mod', (a, b) => a % nonZero('mod', b)),
  int: { apply: toInt },
  float: { apply: toFloat },
};
