/**
 * Azure Pipelines' side of the expression language: its functions (`eq`, `and`, `in`, `coalesce`, …), conditions
 * (a custom condition replaces the default `succeeded()` entirely), and `${{ }}` template substitution.
 */
import { evaluate, ExpressionError, type ExpressionFunction, type Scope } from './evaluate.js';
import { formatText } from './github-expressions.js';
import { expressionSpans } from './spans.js';
import { parseExpression } from './syntax.js';
import { interpolationText, toNumber, toText, toValue, truthy, type Value } from './values.js';

function fn(min: number, max: number, call: ExpressionFunction['call']): ExpressionFunction {
  return { min, max, call };
}

/** `eq`: the right side converted to the left side's kind; strings compare ignoring case. */
function azureEquals(left: Value, right: Value): boolean {
  if (typeof left === 'string') return left.toLowerCase() === toText(right).toLowerCase();
  if (typeof left === 'number') return left === toNumber(right);
  if (typeof left === 'boolean') return left === truthy(right);
  if (left === null) return right === null || right === '';
  return left === right;
}

function azureOrder(left: Value, right: Value): number {
  if (typeof left === 'string') {
    const a = left.toLowerCase();
    const b = toText(right).toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const b = toNumber(right);
  if (Number.isNaN(b)) throw new ExpressionError(`Cannot compare ${toText(left)} with ${toText(right)}.`);
  return toNumber(left) - b;
}

/** The functions of Azure Pipelines expressions (status functions come from the place it runs). */
export const azureFunctions: Record<string, ExpressionFunction> = {
  and: fn(2, 99, (args) => args.every((a) => truthy(a()))),
  or: fn(2, 99, (args) => args.some((a) => truthy(a()))),
  not: fn(1, 1, ([a]) => !truthy(a!())),
  xor: fn(2, 2, ([a, b]) => truthy(a!()) !== truthy(b!())),
  eq: fn(2, 2, ([a, b]) => azureEquals(a!(), b!())),
  ne: fn(2, 2, ([a, b]) => !azureEquals(a!(), b!())),
  gt: fn(2, 2, ([a, b]) => azureOrder(a!(), b!()) > 0),
  ge: fn(2, 2, ([a, b]) => azureOrder(a!(), b!()) >= 0),
  lt: fn(2, 2, ([a, b]) => azureOrder(a!(), b!()) < 0),
  le: fn(2, 2, ([a, b]) => azureOrder(a!(), b!()) <= 0),
  in: fn(1, 99, ([a, ...rest]) => {
    const value = a!();
    return rest.some((b) => azureEquals(value, b()));
  }),
  notin: fn(1, 99, ([a, ...rest]) => {
    const value = a!();
    return !rest.some((b) => azureEquals(value, b()));
  }),
  contains: fn(2, 2, ([a, b]) => toText(a!()).toLowerCase().includes(toText(b!()).toLowerCase())),
  containsvalue: fn(2, 2, ([a, b]) => {
    const collection = a!();
    const needle = b!();
    const values = Array.isArray(collection)
      ? collection
      : collection !== null && typeof collection === 'object'
        ? Object.values(collection)
        : [];
    return values.some((v) => azureEquals(v, needle));
  }),
  startswith: fn(2, 2, ([a, b]) => toText(a!()).toLowerCase().startsWith(toText(b!()).toLowerCase())),
  endswith: fn(2, 2, ([a, b]) => toText(a!()).toLowerCase().endsWith(toText(b!()).toLowerCase())),
  lower: fn(1, 1, ([a]) => toText(a!()).toLowerCase()),
  upper: fn(1, 1, ([a]) => toText(a!()).toUpperCase()),
  trim: fn(1, 1, ([a]) => toText(a!()).trim()),
  length: fn(1, 1, ([a]) => {
    const value = a!();
    if (Array.isArray(value)) return value.length;
    if (value !== null && typeof value === 'object') return Object.keys(value).length;
    return toText(value).length;
  }),
  replace: fn(3, 3, ([a, b, c]) => toText(a!()).split(toText(b!())).join(toText(c!()))),
  split: fn(2, 2, ([a, b]) => toText(a!()).split(toText(b!()))),
  join: fn(2, 2, ([separator, array]) => {
    const values = array!();
    return Array.isArray(values) ? values.map(toText).join(toText(separator!())) : toText(values);
  }),
  format: fn(1, 99, ([template, ...rest]) =>
    formatText(
      toText(template!()),
      rest.map((a) => a()),
    ),
  ),
  coalesce: fn(1, 99, (args) => {
    for (const a of args) {
      const value = a();
      if (value !== null && value !== '') return value;
    }
    return null;
  }),
  iif: fn(3, 3, ([condition, yes, no]) => (truthy(condition!()) ? yes!() : no!())),
  converttojson: fn(1, 1, ([a]) => JSON.stringify(a!(), null, 2)),
  counter: fn(0, 2, () => {
    throw new ExpressionError('counter() is not supported by the executor: it needs server-side state.');
  }),
};

/** The results a status function looks at: the job's steps so far, or the dependencies of a job or stage. */
export interface AzureStatusSource {
  /** Results (`Succeeded`, `SucceededWithIssues`, `Failed`, `Canceled`, `Skipped`) of what came before; by name
   *  when a status function names dependencies. */
  results(names: string[]): string[];
  cancelled(): boolean;
}

/** `succeeded()`, `failed()`, `succeededOrFailed()`, `canceled()` and `always()` for one place. */
export function azureStatusFunctions(status: AzureStatusSource): Record<string, ExpressionFunction> {
  const results = (args: (() => Value)[]) => status.results(args.map((a) => toText(a())));
  const ok = (r: string) => r === 'Succeeded' || r === 'SucceededWithIssues';
  return {
    succeeded: fn(0, 99, (args) => !status.cancelled() && results(args).every(ok)),
    failed: fn(0, 99, (args) => !status.cancelled() && results(args).some((r) => r === 'Failed')),
    succeededorfailed: fn(
      0,
      99,
      (args) => !status.cancelled() && results(args).every((r) => r !== 'Skipped'),
    ),
    canceled: fn(0, 0, () => status.cancelled()),
    always: fn(0, 0, () => true),
  };
}

/** Evaluates a `condition:`; without one, `succeeded()`. A custom condition replaces the default entirely. */
export function evaluateAzureCondition(condition: unknown, scope: Scope): boolean {
  const text =
    condition === undefined || condition === null ? 'succeeded()' : toText(toValue(condition)).trim();
  return truthy(evaluate(parseExpression(text), scope));
}

/**
 * Substitutes `${{ }}` template expressions: a value that is exactly one expression keeps its type (an object
 * parameter, a boolean); otherwise each expression's text is spliced in.
 */
export function substituteTemplate(text: string, scope: Scope): Value {
  const spans = expressionSpans(text);
  const only = spans[0];
  if (spans.length === 1 && only && text.trim() === text.slice(only.start, only.end)) {
    return evaluate(parseExpression(only.inner), scope);
  }
  let result = '';
  let last = 0;
  for (const span of spans) {
    result += text.slice(last, span.start) + interpolationText(evaluate(parseExpression(span.inner), scope));
    last = span.end;
  }
  return result + text.slice(last);
}
