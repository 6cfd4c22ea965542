import { parseExpression, type Expression } from './syntax.js';
import {
  looseCompare,
  looseEquals,
  markFiltered,
  propertyOf,
  toNumber,
  truthy,
  type Value,
} from './values.js';

/** A function argument, evaluated only when the function asks for it (so `and`/`or` can short-circuit). */
export type Argument = () => Value;

/** A function of the language: how many arguments it takes and what it answers. */
export interface ExpressionFunction {
  min: number;
  max: number;
  call(args: Argument[]): Value;
}

/** What an expression can see where it is evaluated: the contexts, and the functions of this place. */
export interface Scope {
  /** Context values by name (`github`, `steps`, `variables`, …), matched ignoring case. */
  contexts: Record<string, Value>;
  /** Functions by lower-case name: the platform's, plus the status functions of this place. */
  functions: Record<string, ExpressionFunction>;
  /** Where the expression comes from, for error messages (`jobs.deploy.steps[2].if`). */
  where: string;
}

/** An expression that reads correctly but cannot be evaluated here (an unknown context or function). */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

function context(scope: Scope, name: string): Value {
  const key = Object.keys(scope.contexts).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) {
    const known = Object.keys(scope.contexts).join(', ');
    throw new ExpressionError(
      `${scope.where} reads the context "${name}", which is not available there (available: ${known}).`,
    );
  }
  return scope.contexts[key] ?? null;
}

function call(scope: Scope, name: string, args: Expression[]): Value {
  const fn = scope.functions[name.toLowerCase()];
  if (!fn) {
    throw new ExpressionError(
      `${scope.where} calls ${name}(), which the executor does not know: use one of ${Object.keys(scope.functions).join(', ')}.`,
    );
  }
  if (args.length < fn.min || args.length > fn.max) {
    throw new ExpressionError(`${scope.where} calls ${name}() with ${args.length} argument(s).`);
  }
  return fn.call(args.map((arg) => () => evaluate(arg, scope)));
}

function index(object: Value, key: Value): Value {
  if (Array.isArray(object)) {
    const i = toNumber(key);
    return Number.isInteger(i) ? (object[i] ?? null) : null;
  }
  return typeof key === 'string' || typeof key === 'number' ? propertyOf(object, String(key)) : null;
}

function binary(operator: string, left: Expression, right: Expression, scope: Scope): Value {
  if (operator === '&&') {
    const a = evaluate(left, scope);
    return truthy(a) ? evaluate(right, scope) : a;
  }
  if (operator === '||') {
    const a = evaluate(left, scope);
    return truthy(a) ? a : evaluate(right, scope);
  }
  const a = evaluate(left, scope);
  const b = evaluate(right, scope);
  if (operator === '==') return looseEquals(a, b);
  if (operator === '!=') return !looseEquals(a, b);
  const order = looseCompare(a, b);
  if (Number.isNaN(order)) return false;
  if (operator === '<') return order < 0;
  if (operator === '<=') return order <= 0;
  if (operator === '>') return order > 0;
  return order >= 0;
}

/** Evaluates a parsed expression in a scope. */
export function evaluate(expression: Expression, scope: Scope): Value {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'context':
      return context(scope, expression.name);
    case 'property':
      return propertyOf(evaluate(expression.object, scope), expression.name);
    case 'index':
      return index(evaluate(expression.object, scope), evaluate(expression.index, scope));
    case 'filter': {
      const object = evaluate(expression.object, scope);
      if (Array.isArray(object)) return markFiltered([...object]);
      if (object !== null && typeof object === 'object') return markFiltered(Object.values(object));
      return markFiltered([]);
    }
    case 'call':
      return call(scope, expression.name, expression.args);
    case 'not':
      return !truthy(evaluate(expression.operand, scope));
    case 'binary':
      return binary(expression.operator, expression.left, expression.right, scope);
  }
}

/** Parses and evaluates one expression text. */
export function evaluateText(text: string, scope: Scope): Value {
  return evaluate(parseExpression(text), scope);
}
