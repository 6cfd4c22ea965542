import { functionError } from '../errors.js';
import { type ArmObject, type ArmValue, armTypeOf } from '../values.js';
import { arity, arrayArg, lambdaArg, objectArg } from './arguments.js';
import { textOf } from './conversion.js';
import type { FunctionFamily } from './registry.js';

function keyOf(name: string, value: ArmValue): string {
  if (typeof value !== 'string')
    throw functionError(name, `expects its key lambda to return a string, not '${armTypeOf(value)}'`);
  return value;
}

function sortWith(args: ArmValue[]): ArmValue[] {
  arity('sort', args, 2);
  const items = [...arrayArg('sort', args, 0)];
  const lambda = lambdaArg('sort', args, 1);
  return items.sort((a, b) => {
    const aFirst = lambda.invoke([a, b]);
    if (typeof aFirst !== 'boolean') throw functionError('sort', 'expects its lambda to return a boolean');
    if (aFirst) return -1;
    return lambda.invoke([b, a]) === true ? 1 : 0;
  });
}

/** Lambda functions of the ARM template language. */
export const lambdaFunctions: FunctionFamily = {
  filter: {
    apply: (a) => {
      arity('filter', a, 2);
      const lambda = lambdaArg('filter', a, 1);
      return arrayArg('filter', a, 0).filter((item, i) => {
        const keep = lambda.invoke([item, i]);
        if (typeof keep !== 'boolean')
          throw functionError('filter', `expects its lambda to return a boolean, not '${armTypeOf(keep)}'`);
        return keep;
      });
    },
  },
  map: {
    apply: (a) => {
      arity('map', a, 2);
      const lambda = lambdaArg('map', a, 1);
      return arrayArg('map', a, 0).map((item, i) => lambda.invoke([item, i]));
    },
  },
  mapvalues: {
    apply: (a) => {
      arity('mapValues', a, 2);
      const lambda = lambdaArg('mapValues', a, 1);
      const result: ArmObject = {};
      for (const [k, v] of Object.entries(objectArg('mapValues', a, 0))) result[k] = lambda.invoke([v]);
      return result;
    },
  },
  reduce: {
    apply: (a) => {
      arity('reduce', a, 3);
      const lambda = lambdaArg('reduce', a, 2);
      return arrayArg('reduce', a, 0).reduce<ArmValue>(
        (acc, item, i) => lambda.invoke([acc, item, i]),
        a[1] as ArmValue,
      );
    },
  },
  sort: { apply: sortWith },
  toobject: {
    apply: (a) => {
      arity('toObject', a, 2, 3);
      const keyLambda = lambdaArg('toObject', a, 1);
      const valueLambda = a.length === 3 ? lambdaArg('toObject', a, 2) : undefined;
      const result: ArmObject = {};
      for (const item of arrayArg('toObject', a, 0)) {
        const key = keyOf('toObject', keyLambda.invoke([item]));
        if (Object.keys(result).some((k) => k.toLowerCase() === key.toLowerCase())) {
          throw functionError(
            'toObject',
            `got the duplicate key '${key}': object keys must be unique, ignoring case`,
          );
        }
        result[key] = valueLambda ? valueLambda.invoke([item]) : item;
      }
      return result;
    },
  },
  groupby: {
    apply: (a) => {
      arity('groupBy', a, 2);
      const lambda = lambdaArg('groupBy', a, 1);
      const result: Record<string, ArmValue[]> = {};
      for (const item of arrayArg('groupBy', a, 0)) {
        const key = keyOf('groupBy', lambda.invoke([item]));
        (result[key] ??= []).push(item);
      }
      return result;
    },
  },
  lambdavariables: {
    apply: (a, scope) => {
      arity('lambdaVariables', a, 1);
      const name = a[0];
      if (typeof name !== 'string' || !scope.lambdaVariables.has(name)) {
        throw functionError(
          'lambdaVariables',
          `refers to '${textOf(name ?? null)}', which is not a parameter of an enclosing lambda`,
        );
      }
      return scope.lambdaVariables.get(name) as ArmValue;
    },
  },
};
