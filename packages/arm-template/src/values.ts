/**
 * A value the deployment can only know at run time (a `reference()`, a `list*()`, a module output that depends
 * on one). It carries the ARM expression, without brackets, that would compute it, and any members already known.
 */
export class RuntimeValue {
  constructor(
    /** The ARM expression (no surrounding brackets) that yields this value during the deployment. */
    readonly expression: string,
    /** Members whose value is known before the deployment (for example a full reference's `id`). */
    readonly known: Readonly<Record<string, ArmValue>> = {},
  ) {}
}

/** A lambda as the lambda functions receive it. */
export class LambdaValue {
  constructor(
    readonly parameterNames: string[],
    readonly invoke: (args: ArmValue[]) => ArmValue,
  ) {}
}

/** Any value a template expression produces. */
export type ArmValue =
  null | boolean | number | string | ArmValue[] | { [key: string]: ArmValue } | RuntimeValue | LambdaValue;

/** A plain JSON object value. */
export type ArmObject = { [key: string]: ArmValue };

/** True for a plain object value (not an array, null, or a runtime value). */
export function isArmObject(value: ArmValue | undefined): value is ArmObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RuntimeValue) &&
    !(value instanceof LambdaValue)
  );
}

/** True when the value, or anything inside it, is only known at run time. */
export function containsRuntime(value: ArmValue | undefined): boolean {
  if (value instanceof RuntimeValue) return true;
  if (Array.isArray(value)) return value.some(containsRuntime);
  if (isArmObject(value)) return Object.values(value).some(containsRuntime);
  return false;
}

/** The ARM type name of a value, as ARM's error messages spell it. */
export function armTypeOf(value: ArmValue): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'Array';
  if (value instanceof RuntimeValue) return 'RuntimeValue';
  if (value instanceof LambdaValue) return 'Lambda';
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'number':
      return Number.isInteger(value) ? 'Integer' : 'Float';
    default:
      return 'Object';
  }
}

/** Deep equality as ARM's `equals` applies it: strings case-sensitive, objects by keys regardless of order. */
export function armEquals(a: ArmValue, b: ArmValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => armEquals(x, b[i]!))
    );
  }
  if (isArmObject(a) || isArmObject(b)) {
    if (!isArmObject(a) || !isArmObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && armEquals(a[k]!, b[k]!));
  }
  return a === b;
}

/** Renders a value as an ARM expression fragment, for embedding a known value in a runtime expression. */
export function toExpressionText(value: ArmValue): string {
  if (value instanceof RuntimeValue) return value.expression;
  if (value === null) return 'null()';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true()' : 'false()';
  if (Array.isArray(value)) return `createArray(${value.map(toExpressionText).join(', ')})`;
  if (value instanceof LambdaValue)
    return `lambda(${value.parameterNames.map((n) => `'${n}'`).join(', ')}, ...)`;
  const parts = Object.entries(value).flatMap(([k, v]) => [toExpressionText(k), toExpressionText(v)]);
  return `createObject(${parts.join(', ')})`;
}

/**
 * Arrays and objects an expression string evaluated to (not those the template writes as JSON). ARM writes such a
 * value whole as one expression (`[createArray(…)]`) while any part of it is runtime, where a JSON array keeps its
 * items; the set remembers which is which without changing the values.
 */
const expressionResults = new WeakSet<object>();

/** Records that an expression string evaluated to this array or object. */
export function markExpressionResult(value: ArmValue): ArmValue {
  if (Array.isArray(value) || isArmObject(value)) expressionResults.add(value);
  return value;
}

/** True for an array or object an expression evaluated to. */
export function isExpressionResult(value: ArmValue): boolean {
  return (Array.isArray(value) || isArmObject(value)) && expressionResults.has(value);
}
