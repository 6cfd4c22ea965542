/**
 * Values of the expression language and the conversions both platforms apply: falsy values, numbers from strings,
 * strings from anything, loose equality that ignores case, and case-insensitive property lookup.
 */

/** A value an expression can hold. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** An array made by a `.*` filter: property access maps over it. */
export const filtered = Symbol('filtered');

/** false, 0, -0, NaN, '' and null are false; everything else is true. */
export function truthy(value: Value | undefined): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value !== '';
  return true;
}

/** The number a value converts to: null 0, booleans 1/0, '' 0, numeric strings (also hex), NaN otherwise. */
export function toNumber(value: Value | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return 0;
    if (/^[+-]?(0x[0-9a-f]+|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?|infinity)$/i.test(trimmed)) return Number(trimmed);
    return NaN;
  }
  return NaN;
}

/** The string a value converts to, as function arguments and string interpolation see it. */
export function toText(value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number')
    return Number.isFinite(value)
      ? String(value)
      : Number.isNaN(value)
        ? 'NaN'
        : value > 0
          ? 'Infinity'
          : '-Infinity';
  return Array.isArray(value) ? 'Array' : 'Object';
}

/** What `${{ x }}` puts into a string: objects and arrays as indented JSON, everything else as text. */
export function interpolationText(value: Value | undefined): string {
  if (value !== null && typeof value === 'object') return JSON.stringify(value, null, 2);
  return toText(value);
}

function kindOf(value: Value): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** GitHub's `==`: same kinds compare directly (strings ignoring case); different kinds compare as numbers. */
export function looseEquals(left: Value, right: Value): boolean {
  if (kindOf(left) === kindOf(right)) {
    if (typeof left === 'string') return left.toLowerCase() === (right as string).toLowerCase();
    return left === right;
  }
  const a = toNumber(left);
  const b = toNumber(right);
  return !Number.isNaN(a) && !Number.isNaN(b) && a === b;
}

/** GitHub's ordering: strings ignoring case when both are strings, numbers otherwise; NaN orders nothing. */
export function looseCompare(left: Value, right: Value): number {
  if (typeof left === 'string' && typeof right === 'string') {
    const a = left.toLowerCase();
    const b = right.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = toNumber(left);
  const b = toNumber(right);
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return a - b;
}

/** A property of an object, found ignoring case as both platforms do; null when absent. */
export function propertyOf(object: Value | undefined, name: string): Value {
  if (object === null || object === undefined || typeof object !== 'object') return null;
  if (Array.isArray(object)) {
    if (!(filtered in object)) return null;
    const mapped = object.map((item) => propertyOf(item, name)).filter((v) => v !== null);
    return markFiltered(mapped);
  }
  if (Object.prototype.hasOwnProperty.call(object, name)) return object[name] ?? null;
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? null : (object[key] ?? null);
}

/** Marks an array as the result of a `.*` filter. */
export function markFiltered(values: Value[]): Value[] {
  Object.defineProperty(values, filtered, { value: true, enumerable: false });
  return values;
}

/** Turns plain JavaScript data (from YAML or JSON) into a value; undefined becomes null. */
export function toValue(data: unknown): Value {
  if (data === undefined || data === null) return null;
  if (typeof data === 'string' || typeof data === 'number' || typeof data === 'boolean') return data;
  if (Array.isArray(data)) return data.map(toValue);
  if (typeof data === 'object') {
    return Object.fromEntries(
      Object.entries(data as Record<string, unknown>).map(([k, v]) => [k, toValue(v)]),
    );
  }
  return toText(String(data));
}
