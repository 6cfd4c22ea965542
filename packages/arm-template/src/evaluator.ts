import { ArmTemplateError, atLocation } from './errors.js';
import type { ExpressionNode } from './expression/ast.js';
import { classifyTemplateString, parseExpression } from './expression/parser.js';
import { findFunction } from './functions/registry.js';
import type { Scope } from './scope.js';
import {
  type ArmValue,
  armTypeOf,
  containsRuntime,
  isArmObject,
  LambdaValue,
  markExpressionResult,
  RuntimeValue,
  toExpressionText,
} from './values.js';

function propertyOf(target: ArmValue, name: string, safe: boolean): ArmValue {
  if (target instanceof RuntimeValue) {
    const known = Object.entries(target.known).find(([k]) => k.toLowerCase() === name.toLowerCase());
    if (known) return known[1];
    return new RuntimeValue(`${target.expression}${safe ? '.?' : '.'}${name}`);
  }
  if (target === null && safe) return null;
  if (!isArmObject(target)) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The language expression property '${name}' can't be evaluated, property name must be accessed on an object, not on a value of type '${armTypeOf(target)}'.`,
    );
  }
  if (Object.hasOwn(target, name)) return target[name] as ArmValue;
  // ARM property access ignores case.
  const key = Object.keys(target).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key !== undefined) return target[key] as ArmValue;
  if (safe) return null;
  throw new ArmTemplateError(
    'InvalidTemplate',
    `The language expression property '${name}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'.`,
  );
}

function indexOf(target: ArmValue, index: ArmValue, safe: boolean): ArmValue {
  if (target instanceof RuntimeValue || index instanceof RuntimeValue) {
    return new RuntimeValue(`${toExpressionText(target)}${safe ? '?' : ''}[${toExpressionText(index)}]`);
  }
  if (target === null && safe) return null;
  if (Array.isArray(target)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The language expression array index must be an integer, not '${armTypeOf(index)}'.`,
      );
    }
    if (index < 0 || index >= target.length) {
      if (safe) return null;
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The language expression property array index '${index}' is out of bounds.`,
      );
    }
    return target[index] as ArmValue;
  }
  if (isArmObject(target) && typeof index === 'string') return propertyOf(target, index, safe);
  throw new ArmTemplateError(
    'InvalidTemplate',
    `The language expression can't index a value of type '${armTypeOf(target)}' with a '${armTypeOf(index)}'.`,
  );
}

function makeLambda(args: ExpressionNode[], scope: Scope): LambdaValue {
  const names = args.slice(0, -1).map((a) => {
    if (a.kind !== 'string')
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The lambda function's parameter names must be string literals.`,
      );
    return a.value;
  });
  const body = args[args.length - 1];
  if (!body)
    throw new ArmTemplateError('InvalidTemplate', `The template language function 'lambda' needs a body.`);
  return new LambdaValue(names, (values) =>
    evaluateNode(body, scope.withLambdaVariables(names.map((n, i) => [n, values[i] ?? null]))),
  );
}

function evaluateIf(args: ExpressionNode[], scope: Scope): ArmValue {
  if (args.length !== 3)
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template language function 'if' must have 3 parameters.`,
    );
  const condition = evaluateNode(args[0] as ExpressionNode, scope);
  if (condition instanceof RuntimeValue) {
    const branches = [args[1], args[2]].map((a) =>
      toExpressionText(evaluateNode(a as ExpressionNode, scope)),
    );
    return new RuntimeValue(`if(${condition.expression}, ${branches.join(', ')})`);
  }
  if (typeof condition !== 'boolean') {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template language function 'if' expects its first parameter to be a boolean, not '${armTypeOf(condition)}'.`,
    );
  }
  return evaluateNode((condition ? args[1] : args[2]) as ExpressionNode, scope);
}

/**
 * Functions that only need the shape of their arguments (they build, measure or slice containers), so runtime
 * values nested inside an argument pass through; only a runtime argument itself makes the result runtime.
 */
const SHALLOW = new Set([
  'createobject',
  'createarray',
  'array',
  'coalesce',
  'length',
  'empty',
  'first',
  'last',
  'skip',
  'take',
  'indexfromend',
  'tryindexfromend',
  'range',
  // Applies its lambda to each item: an item's runtime members stay runtime in that item's result only.
  'map',
]);

function evaluateCall(name: string, argNodes: ExpressionNode[], scope: Scope): ArmValue {
  const lower = name.toLowerCase();
  if (lower === 'if') return evaluateIf(argNodes, scope);
  if (lower === 'lambda') return makeLambda(argNodes, scope);
  const args = argNodes.map((a) => evaluateNode(a, scope));
  const fn = findFunction(lower, scope);
  if (!fn) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template function '${name}' is not valid or not supported by this engine.`,
    );
  }
  const runtime = SHALLOW.has(lower)
    ? args.some((a) => a instanceof RuntimeValue)
    : args.some(containsRuntime);
  if (!fn.acceptsRuntime && runtime) {
    return new RuntimeValue(`${name}(${args.map(toExpressionText).join(', ')})`);
  }
  return fn.apply(args, scope, name);
}

/** Evaluates a parsed expression in a scope. */
export function evaluateNode(node: ExpressionNode, scope: Scope): ArmValue {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'call':
      return evaluateCall(node.name, node.args, scope);
    case 'property':
      return propertyOf(evaluateNode(node.target, scope), node.name, node.safe);
    case 'index':
      return indexOf(evaluateNode(node.target, scope), evaluateNode(node.index, scope), node.safe);
  }
}

/** Evaluates one template string: an expression in brackets, an escaped `[[` literal, or a plain string. */
export function evaluateString(text: string, scope: Scope): ArmValue {
  const kind = classifyTemplateString(text);
  if ('literal' in kind) return kind.literal;
  try {
    return markExpressionResult(evaluateNode(parseExpression(kind.expression), scope));
  } catch (error) {
    if (error instanceof ArmTemplateError && error.target === undefined && !error.detail.includes(text)) {
      throw new ArmTemplateError(error.code, `${error.detail} The expression is '${text}'.`);
    }
    throw error;
  }
}

function expandPropertyCopies(
  source: Record<string, unknown>,
  scope: Scope,
  path: string,
): Record<string, ArmValue> {
  const result: Record<string, ArmValue> = {};
  const copies = source.copy as { name: string; count: unknown; input: unknown }[];
  for (const [i, copy] of copies.entries()) {
    const at = `${path}.copy[${i}]`;
    const count = evaluateTemplateValue(copy.count, scope, `${at}.count`);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The copy count of property '${copy.name}' must be a non-negative integer known before the deployment.`,
        at,
      );
    }
    const items: ArmValue[] = [];
    for (let index = 0; index < count; index++) {
      items.push(
        evaluateTemplateValue(copy.input, scope.withCopyIndex(copy.name, index, false), `${at}.input`),
      );
    }
    result[copy.name] = items;
  }
  return result;
}

/**
 * Evaluates a JSON value from a template: expressions in strings, recursively in arrays and objects, and
 * property copy loops (`"copy": [{ name, count, input }]`). `path` names the location for errors.
 */
export function evaluateTemplateValue(value: unknown, scope: Scope, path: string): ArmValue {
  try {
    if (typeof value === 'string') return evaluateString(value, scope);
    if (Array.isArray(value)) return value.map((v, i) => evaluateTemplateValue(v, scope, `${path}[${i}]`));
    if (value !== null && typeof value === 'object') {
      const source = value as Record<string, unknown>;
      const result: Record<string, ArmValue> = Array.isArray(source.copy)
        ? expandPropertyCopies(source, scope, path)
        : {};
      for (const [key, inner] of Object.entries(source)) {
        if (key === 'copy' && Array.isArray(inner)) continue;
        result[key] = evaluateTemplateValue(inner, scope, `${path}.${key}`);
      }
      return result;
    }
    if (value === undefined) return null;
    return value as ArmValue;
  } catch (error) {
    return atLocation(error, path);
  }
}
