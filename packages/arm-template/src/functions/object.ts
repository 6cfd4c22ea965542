import { functionError } from '../errors.js';
import { type ArmObject, type ArmValue, isArmObject } from '../values.js';
import { arity, objectArg, stringArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

function createObject(args: ArmValue[]): ArmObject {
  if (args.length % 2 !== 0)
    throw functionError('createObject', 'must have an even number of parameters (key, value pairs)');
  const result: ArmObject = {};
  for (let i = 0; i < args.length; i += 2)
    result[stringArg('createObject', args, i)] = args[i + 1] as ArmValue;
  return result;
}

function byKeyIgnoringCase(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function tryGet(args: ArmValue[]): ArmValue {
  arity('tryGet', args, 2, Infinity);
  let current = args[0] as ArmValue;
  for (const key of args.slice(1)) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key] ?? null;
    else if (isArmObject(current) && typeof key === 'string') {
      const found = Object.keys(current).find((k) => k.toLowerCase() === key.toLowerCase());
      current = found === undefined ? null : (current[found] as ArmValue);
    } else return null;
  }
  return current;
}

/** Object functions of the ARM template language. */
export const objectFunctions: FunctionFamily = {
  createobject: { apply: createObject },
  items: {
    apply: (a) => {
      arity('items', a, 1);
      const source = objectArg('items', a, 0);
      return Object.keys(source)
        .sort(byKeyIgnoringCase)
        .map((key) => ({ key, value: source[key] as ArmValue }));
    },
  },
  objectkeys: {
    apply: (a) => (
      arity('objectKeys', a, 1),
      Object.keys(objectArg('objectKeys', a, 0)).sort(byKeyIgnoringCase)
    ),
  },
  null: { apply: (a) => (arity('null', a, 0), null) },
  shallowmerge: {
    apply: (a) => {
      arity('shallowMerge', a, 1);
      const list = a[0];
      if (!Array.isArray(list) || !list.every(isArmObject))
        throw functionError('shallowMerge', 'expects an array of objects');
      return Object.assign({}, ...list) as ArmObject;
    },
  },
  tryget: { apply: tryGet },
};
