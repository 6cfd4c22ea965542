/**
 * GitHub Actions' side of the expression language: its functions, `${{ }}` substitution in strings, and `if:`
 * conditions with their implicit `success() &&`.
 */
import { evaluate, ExpressionError, type ExpressionFunction, type Scope } from './evaluate.js';
import { callsAny, parseExpression } from './syntax.js';
import { expressionSpans } from './spans.js';
import { interpolationText, looseEquals, toText, toValue, truthy, type Value } from './values.js';

function fn(min: number, max: number, call: ExpressionFunction['call']): ExpressionFunction {
  return { min, max, call };
}

/** `format('{0} and {1}', a, b)` with `{{` and `}}` for literal braces. */
export function formatText(template: string, args: Value[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const i = Number(index);
    if (i >= args.length)
      throw new ExpressionError(`format('${template}') names argument ${i}, which is not given.`);
    return toText(args[i]);
  });
}

/** The functions every GitHub expression may call (status functions come from the place it runs). */
export const githubFunctions: Record<string, ExpressionFunction> = {
  contains: fn(2, 2, ([search, item]) => {
    const haystack = search!();
    const needle = item!();
    if (Array.isArray(haystack)) return haystack.some((v) => looseEquals(v, needle));
    return toText(haystack).toLowerCase().includes(toText(needle).toLowerCase());
  }),
  startswith: fn(2, 2, ([a, b]) => toText(a!()).toLowerCase().startsWith(toText(b!()).toLowerCase())),
  endswith: fn(2, 2, ([a, b]) => toText(a!()).toLowerCase().endsWith(toText(b!()).toLowerCase())),
  format: fn(1, 99, ([template, ...rest]) =>
    formatText(
      toText(template!()),
      rest.map((a) => a()),
    ),
  ),
  join: fn(1, 2, ([array, separator]) => {
    const values = array!();
    const sep = separator ? toText(separator()) : ',';
    return Array.isArray(values) ? values.map(toText).join(sep) : toText(values);
  }),
  tojson: fn(1, 1, ([value]) => JSON.stringify(value!(), null, 2)),
  fromjson: fn(1, 1, ([text]) => {
    const raw = toText(text!());
    try {
      return toValue(JSON.parse(raw));
    } catch {
      throw new ExpressionError(`fromJSON() was given text that is not JSON: ${raw.slice(0, 80)}`);
    }
  }),
  hashfiles: fn(1, 99, () => {
    throw new ExpressionError(
      'hashFiles() is not supported by the executor: the examples have nothing to cache.',
    );
  }),
};

/** The status of what ran before: a job's steps so far, or the jobs a job needs. */
export interface StatusSource {
  /** Something before failed. */
  failed(): boolean;
  /** The run was cancelled. */
  cancelled(): boolean;
}

/** `success()`, `failure()`, `always()` and `cancelled()` for one place. */
export function statusFunctions(status: StatusSource): Record<string, ExpressionFunction> {
  return {
    success: fn(0, 0, () => !status.failed() && !status.cancelled()),
    failure: fn(0, 0, () => status.failed() && !status.cancelled()),
    cancelled: fn(0, 0, () => status.cancelled()),
    always: fn(0, 0, () => true),
  };
}

/** Replaces every `${{ expression }}` in `text` with its value, as the runner does before it uses the text. */
export function interpolate(text: string, scope: Scope): string {
  let result = '';
  let last = 0;
  for (const span of expressionSpans(text)) {
    result += text.slice(last, span.start) + interpolationText(evaluate(parseExpression(span.inner), scope));
    last = span.end;
  }
  return result + text.slice(last);
}

/** A value that is exactly one `${{ }}` keeps its type (a matrix list, a boolean); anything else is a string. */
export function evaluateValue(data: unknown, scope: Scope): Value {
  if (typeof data !== 'string') return toValue(data);
  const spans = expressionSpans(data);
  const only = spans[0];
  if (spans.length === 1 && only && data.trim() === data.slice(only.start, only.end)) {
    return evaluate(parseExpression(only.inner), scope);
  }
  return interpolate(data, scope);
}

/**
 * Evaluates an `if:`: the `${{ }}` wrapper is optional, and a condition that calls no status function runs only
 * after success, as if it began with `success() &&`.
 */
export function evaluateCondition(condition: unknown, scope: Scope): boolean {
  if (condition === undefined || condition === null)
    return truthy(evaluate(parseExpression('success()'), scope));
  if (typeof condition === 'boolean' || typeof condition === 'number') {
    return truthy(condition) && truthy(evaluate(parseExpression('success()'), scope));
  }
  let text = String(condition).trim();
  const spans = expressionSpans(text);
  const only = spans[0];
  if (spans.length === 1 && only && only.start === 0 && only.end === text.length) text = only.inner;
  else if (spans.length > 0) return truthy(interpolate(text, scope));
  const parsed = parseExpression(text);
  const status = ['success', 'failure', 'cancelled', 'always'];
  if (callsAny(parsed, status)) return truthy(evaluate(parsed, scope));
  return truthy(evaluate(parseExpression('success()'), scope)) && truthy(evaluate(parsed, scope));
}
