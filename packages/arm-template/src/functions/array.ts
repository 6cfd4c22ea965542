import { functionError } from '../errors.js';
import { type ArmObject, type ArmValue, armEquals, armTypeOf, isArmObject } from '../values.js';
import { arity, arrayArg, intArg } from './arguments.js';
import { textOf } from './conversion.js';
import type { FunctionFamily } from './registry.js';

function dedupe(values: ArmValue[]): ArmValue[] {
  const result: ArmValue[] = [];
  for (const v of values) if (!result.some((r) => armEquals(r, v))) result.push(v);
  return result;
}

function deepMerge(base: ArmObject, next: ArmObject): ArmObject {
  const merged: ArmObject = { ...base };
  for (const [key, value] of Object.entries(next)) {
    const existing = merged[key];
    merged[key] = isArmObject(existing) && isArmObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}

function union(args: ArmValue[]): ArmValue {
  arity('union', args, 1, Infinity);
  if (args.every(Array.isArray)) return dedupe((args as ArmValue[][]).flat());
  if (args.every(isArmObject)) return (args as ArmObject[]).reduce(deepMerge, {});
  throw functionError('union', 'expects all parameters to be arrays or all to be objects');
}

function intersection(args: ArmValue[]): ArmValue {
  arity('intersection', args, 1, Infinity);
  if (args.every(Array.isArray)) {
    const [first, ...rest] = args as ArmValue[][];
    return dedupe((first as ArmValue[]).filter((v) => rest.every((r) => r.some((x) => armEquals(x, v)))));
  }
  if (args.every(isArmObject)) {
    const [first, ...rest] = args as ArmObject[];
    const result: ArmObject = {};
    for (const [k, v] of Object.entries(first as ArmObject)) {
      if (rest.every((r) => Object.hasOwn(r, k) && armEquals(r[k] as ArmValue, v))) result[k] = v;
    }
    return result;
  }
  throw functionError('intersection', 'expects all parameters to be arrays or all to be objects');
}

function sliceOf(name: string, args: ArmValue[], skip: boolean): ArmValue {
  arity(name, args, 2);
  const count = Math.max(0, intArg(name, args, 1));
  const source = args[0] as ArmValue;
  if (typeof source !== 'string' && !Array.isArray(source))
    throw functionError(name, `expects a string or an array, not '${armTypeOf(source)}'`);
  return skip ? source.slice(count) : source.slice(0, count);
}

function firstOrLast(name: string, args: ArmValue[], last: boolean): ArmValue {
  arity(name, args, 1);
  const source = args[0] as ArmValue;
  if (typeof source === 'string') return last ? source.slice(-1) : source.slice(0, 1);
  if (Array.isArray(source)) return (last ? source[source.length - 1] : source[0]) ?? null;
  throw functionError(name, `expects a string or an array, not '${armTypeOf(source)}'`);
}

function extreme(name: string, args: ArmValue[], pick: (a: number, b: number) => number): number {
  arity(name, args, 1, Infinity);
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) throw functionError(name, 'needs at least one value');
  return values.map((v, i) => intArg(name, values, i)).reduce(pick);
}

function contains(args: ArmValue[]): boolean {
  arity('contains', args, 2);
  const [container, item] = args as [ArmValue, ArmValue];
  if (typeof container === 'string') return container.includes(textOf(item));
  if (Array.isArray(container)) return container.some((x) => armEquals(x, item));
  if (isArmObject(container)) {
    const key = textOf(item).toLowerCase();
    return Object.keys(container).some((k) => k.toLowerCase() === key);
  }
  throw functionError('contains', `expects a string, array or object, not '${armTypeOf(container)}'`);
}

function lengthOf(args: ArmValue[]): number {
  arity('length', args, 1);
  const value = args[0] as ArmValue;
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isArmObject(value)) return Object.keys(value).length;
  throw functionError('length', `expects a string, array or object, not '${armTypeOf(value)}'`);
}

function concat(args: ArmValue[]): ArmValue {
  if (args.length > 0 && args.every((a) => Array.isArray(a) || a === null))
    return args.flatMap((a) => a ?? []);
  if (args.some(Array.isArray))
    throw functionError('concat', 'expects all parameters to be arrays or all to be strings');
  return args.map(textOf).join('');
}

function range(args: ArmValue[]): number[] {
  arity('range', args, 2);
  const start = intArg('range', args, 0);
  const count = intArg('range', args, 1);
  if (count < 0 || count > 10000 || start + count > 2147483647) {
    throw functionError(
      'range',
      `needs a count from 0 to 10000 and start + count no larger than 2147483647, not start ${start} and count ${count}`,
    );
  }
  return Array.from({ length: count }, (_v, i) => start + i);
}

/** Array functions of the ARM template language (several also take strings or objects, as in ARM). */
export const arrayFunctions: FunctionFamily = {
  array: { apply: (a) => (arity('array', a, 1), Array.isArray(a[0]) ? a[0] : [a[0] as ArmValue]) },
  concat: { apply: concat },
  contains: { apply: contains },
  createarray: { apply: (a) => [...a] },
  empty: {
    apply: (a) => {
      arity('empty', a, 1);
      const v = a[0] as ArmValue;
      return (
        v === null ||
        (typeof v === 'string' || Array.isArray(v)
          ? v.length === 0
          : isArmObject(v) && Object.keys(v).length === 0)
      );
    },
  },
  first: { apply: (a) => firstOrLast('first', a, false) },
  last: { apply: (a) => firstOrLast('last', a, true) },
  flatten: {
    apply: (a) => {
      arity('flatten', a, 1);
      return arrayArg('flatten', a, 0).flatMap((inner, i) => {
        if (!Array.isArray(inner))
          throw functionError(
            'flatten',
            `expects every element to be an array, but element ${i} is '${armTypeOf(inner)}'`,
          );
        return inner;
      });
    },
  },
  intersection: { apply: intersection },
  union: { apply: union },
  length: { apply: lengthOf },
  max: { apply: (a) => extreme('max', a, (x, y) => Math.max(x, y)) },
  min: { apply: (a) => extreme('min', a, (x, y) => Math.min(x, y)) },
  range: { apply: range },
  skip: { apply: (a) => sliceOf('skip', a, true) },
  take: { apply: (a) => sliceOf('take', a, false) },
  indexfromend: {
    apply: (a) => {
      arity('indexFromEnd', a, 2);
      const items = arrayArg('indexFromEnd', a, 0);
      const i = intArg('indexFromEnd', a, 1);
      if (i < 1 || i > items.length)
        throw functionError('indexFromEnd', `got index ${i} outside an array of length ${items.length}`);
      return items[items.length - i] as ArmValue;
    },
  },
  tryindexfromend: {
    apply: (a) => {
      arity('tryIndexFromEnd', a, 2);
      const items = arrayArg('tryIndexFromEnd', a, 0);
      const i = intArg('tryIndexFromEnd', a, 1);
      return i < 1 || i > items.length ? null : (items[items.length - i] as ArmValue);
    },
  },
};
