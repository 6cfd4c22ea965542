import { ArmTemplateError, functionError } from '../errors.js';
import type { Scope } from '../scope.js';
import { type ArmObject, type ArmValue, armTypeOf, isArmObject, LambdaValue } from '../values.js';

/** Checks the number of arguments a function got. */
export function arity(name: string, args: ArmValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected =
      min === max ? `${min}` : max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw functionError(name, `must have ${expected} parameter(s), but got ${args.length}`);
  }
}

/**
 * `utcNow` and `newGuid` give a different value on every evaluation, so ARM allows them only in parameter default
 * values, which it evaluates once per deployment.
 */
export function requireParameterDefault(name: string, scope: Scope): NonNullable<Scope['parameterDefault']> {
  if (scope.parameterDefault) return scope.parameterDefault;
  // ARM's own wording, its misspelling of "expressions" included.
  throw new ArmTemplateError(
    'InvalidTemplate',
    `The template function '${name}' is not expected at this location. The function can only be used with parameter default value expresions. Please see https://aka.ms/arm-functions for usage details.`,
  );
}

function wrongType(name: string, index: number, expected: string, value: ArmValue): never {
  throw functionError(
    name,
    `expects its parameter ${index + 1} to be of type '${expected}', but got a value of type '${armTypeOf(value)}'`,
  );
}

/** The argument as a string, or an InvalidTemplate naming the function. */
export function stringArg(name: string, args: ArmValue[], index: number): string {
  const value = args[index] ?? null;
  return typeof value === 'string' ? value : wrongType(name, index, 'String', value);
}

/** The argument as an integer. */
export function intArg(name: string, args: ArmValue[], index: number): number {
  const value = args[index] ?? null;
  return typeof value === 'number' && Number.isInteger(value)
    ? value
    : wrongType(name, index, 'Integer', value);
}

/** The argument as a number (integer or float). */
export function numberArg(name: string, args: ArmValue[], index: number): number {
  const value = args[index] ?? null;
  return typeof value === 'number' ? value : wrongType(name, index, 'Integer', value);
}

/** The argument as a boolean. */
export function boolArg(name: string, args: ArmValue[], index: number): boolean {
  const value = args[index] ?? null;
  return typeof value === 'boolean' ? value : wrongType(name, index, 'Boolean', value);
}

/** The argument as an array. */
export function arrayArg(name: string, args: ArmValue[], index: number): ArmValue[] {
  const value = args[index] ?? null;
  return Array.isArray(value) ? value : wrongType(name, index, 'Array', value);
}

/** The argument as an object. */
export function objectArg(name: string, args: ArmValue[], index: number): ArmObject {
  const value = args[index] ?? null;
  return isArmObject(value) ? value : wrongType(name, index, 'Object', value);
}

/** The argument as a lambda. */
export function lambdaArg(name: string, args: ArmValue[], index: number): LambdaValue {
  const value = args[index] ?? null;
  return value instanceof LambdaValue ? value : wrongType(name, index, 'Lambda', value);
}
