import type { Scope } from '../scope.js';
import type { ArmValue } from '../values.js';
import { arrayFunctions } from './array.js';
import { cidrFunctions } from './cidr.js';
import { comparisonFunctions } from './comparison.js';
import { dateFunctions } from './date.js';
import { deploymentFunctions } from './deployment.js';
import { lambdaFunctions } from './lambda.js';
import { logicalFunctions } from './logical.js';
import { numericFunctions } from './numeric.js';
import { objectFunctions } from './object.js';
import { listFunction, resourceFunctions } from './resource.js';
import { resourceIdFunctions } from './resource-id-functions.js';
import { stringFunctions } from './string.js';
import { userFunction } from './user.js';

/** A template language function. */
export interface ArmFunction {
  /** Computes the result; `name` is the spelling the template used. */
  apply(args: ArmValue[], scope: Scope, name: string): ArmValue;
  /** True when the function handles runtime arguments itself instead of becoming a runtime expression. */
  acceptsRuntime?: boolean;
}

/** A family of functions, keyed by lower-case name. */
export type FunctionFamily = Record<string, ArmFunction>;

const BUILT_IN: Map<string, ArmFunction> = new Map(
  [
    stringFunctions,
    arrayFunctions,
    objectFunctions,
    numericFunctions,
    comparisonFunctions,
    logicalFunctions,
    lambdaFunctions,
    deploymentFunctions,
    resourceFunctions,
    resourceIdFunctions,
    cidrFunctions,
    dateFunctions,
  ].flatMap((family) => Object.entries(family)),
);

/** The names of every built-in function this engine implements (lower case), `if` and `lambda` included. */
export function builtInFunctionNames(): string[] {
  // `if` and `lambda` need their arguments unevaluated, so the evaluator handles them itself.
  return [...BUILT_IN.keys(), 'if', 'lambda'];
}

/** Finds a built-in, `list*` or user-defined function by lower-case name. */
export function findFunction(lowerName: string, scope: Scope): ArmFunction | undefined {
  const builtIn = BUILT_IN.get(lowerName);
  if (builtIn) return builtIn;
  if (lowerName.startsWith('list')) return listFunction;
  if (lowerName.includes('.')) return userFunction(lowerName, scope);
  return undefined;
}
