import { functionError } from '../errors.js';
import { type ArmValue, armTypeOf, isArmObject, LambdaValue, RuntimeValue } from '../values.js';

/** JSON text of a value the way ARM serialises it (compact, keys in order). */
export function toJsonText(value: ArmValue): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof RuntimeValue) return `[${inner.expression}]`;
    if (inner instanceof LambdaValue) return '[lambda]';
    return inner;
  });
}

/** A value as ARM's `string()` renders it. */
export function armString(name: string, value: ArmValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw functionError(
        name,
        `expects its first parameter to be one of the following types 'Integer, String, Boolean, Object, Array'. The provided value is of type 'Float'`,
      );
    }
    return String(value);
  }
  if (Array.isArray(value) || isArmObject(value)) return toJsonText(value);
  throw functionError(
    name,
    `expects its first parameter to be one of the following types 'Integer, String, Boolean, Object, Array'. The provided value is of type '${armTypeOf(value)}'`,
  );
}

/** A value as it reads inside `concat`, `join` and `format` results. */
export function textOf(value: ArmValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return toJsonText(value);
}
