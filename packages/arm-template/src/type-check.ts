import { ArmTemplateError } from './errors.js';
import type { TypeDefinition } from './template.js';
import { type ArmValue, armEquals, armTypeOf, containsRuntime, isArmObject } from './values.js';

/** The type a definition names: itself, or the definition its `$ref` points to, merged with its own keys. */
export function resolveRef(
  type: TypeDefinition,
  definitions: Record<string, TypeDefinition>,
  at: string,
): TypeDefinition {
  if (!type.$ref) return type;
  const name = /^#\/definitions\/(.+)$/.exec(type.$ref)?.[1];
  const target = name === undefined ? undefined : definitions[name];
  if (!target)
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The type reference '${type.$ref}' does not name a definition in the template.`,
      at,
    );
  const { $ref: _ref, ...rest } = type;
  return { ...resolveRef(target, definitions, at), ...rest };
}

function matchesPrimitive(expected: string, value: ArmValue): boolean {
  switch (expected.toLowerCase()) {
    case 'string':
    case 'securestring':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'object':
    case 'secureobject':
      return isArmObject(value);
    case 'array':
      return Array.isArray(value);
    case 'any':
      return true;
    default:
      return false;
  }
}

/** A value as an error message shows it: never a secure one. */
function shown(value: ArmValue, secret: boolean): string {
  return secret ? '(a secure value, not shown)' : JSON.stringify(value);
}

function fail(what: string, detail: string): never {
  throw new ArmTemplateError('InvalidTemplate', `${what} ${detail}`);
}

function checkBounds(type: TypeDefinition, value: ArmValue, what: string, secret: boolean): void {
  const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
  if (length !== undefined && type.minLength !== undefined && length < type.minLength) {
    fail(what, `has length ${length}, less than its minimum length ${type.minLength}.`);
  }
  if (length !== undefined && type.maxLength !== undefined && length > type.maxLength) {
    fail(what, `has length ${length}, more than its maximum length ${type.maxLength}.`);
  }
  if (typeof value === 'number' && type.minValue !== undefined && value < type.minValue)
    fail(what, `is ${shown(value, secret)}, less than its minimum value ${type.minValue}.`);
  if (typeof value === 'number' && type.maxValue !== undefined && value > type.maxValue)
    fail(what, `is ${shown(value, secret)}, more than its maximum value ${type.maxValue}.`);
  if (type.allowedValues) {
    const allowed = type.allowedValues as ArmValue[];
    const ok =
      Array.isArray(value) && type.type?.toLowerCase() === 'array'
        ? value.every((v) => allowed.some((a) => armEquals(a, v)))
        : allowed.some((a) => armEquals(a, value));
    if (!ok)
      fail(
        what,
        `is ${shown(value, secret)}, which is not one of the allowed values ${JSON.stringify(allowed)}.`,
      );
  }
}

function checkObject(
  type: TypeDefinition,
  value: ArmValue,
  what: string,
  definitions: Record<string, TypeDefinition>,
  secret: boolean,
): void {
  if (!isArmObject(value)) return;
  if (type.discriminator) {
    const tag = value[type.discriminator.propertyName];
    const variant = typeof tag === 'string' ? type.discriminator.mapping[tag] : undefined;
    if (!variant)
      fail(
        what,
        `has '${type.discriminator.propertyName}' = ${shown(tag ?? null, secret)}, which is not one of ${Object.keys(type.discriminator.mapping).join(', ')}.`,
      );
    checkType(variant, value, what, definitions, secret);
  }
  for (const [key, propertyType] of Object.entries(type.properties ?? {})) {
    const resolved = resolveRef(propertyType, definitions, what);
    if (!Object.hasOwn(value, key) || value[key] === null) {
      if (!resolved.nullable && !Object.hasOwn(value, key))
        fail(what, `is missing the required property '${key}'.`);
      if (!resolved.nullable) fail(what, `has null for the property '${key}', which is not nullable.`);
      continue;
    }
    checkType(resolved, value[key] as ArmValue, `${what}.${key}`, definitions, secret);
  }
  if (type.properties) {
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(type.properties, key)) continue;
      const extra = type.additionalProperties;
      if (type.sealed || extra === false)
        fail(what, `has the property '${key}', which its type does not allow.`);
      if (extra && typeof extra === 'object')
        checkType(extra, value[key] as ArmValue, `${what}.${key}`, definitions, secret);
    }
  } else if (type.additionalProperties && typeof type.additionalProperties === 'object') {
    for (const [key, inner] of Object.entries(value))
      checkType(type.additionalProperties, inner, `${what}.${key}`, definitions, secret);
  }
}

function checkArray(
  type: TypeDefinition,
  value: ArmValue,
  what: string,
  definitions: Record<string, TypeDefinition>,
  secret: boolean,
): void {
  if (!Array.isArray(value)) return;
  if (type.prefixItems) {
    if (type.items === false && value.length !== type.prefixItems.length)
      fail(what, `must have exactly ${type.prefixItems.length} items, not ${value.length}.`);
    type.prefixItems.forEach(
      (t, i) => i < value.length && checkType(t, value[i] as ArmValue, `${what}[${i}]`, definitions, secret),
    );
  } else if (type.items) {
    value.forEach((v, i) => checkType(type.items as TypeDefinition, v, `${what}[${i}]`, definitions, secret));
  }
}

/**
 * Checks a value against a declared type (primitive, `$ref`, bounds, allowed values, object properties,
 * array items, discriminated unions). Runtime values pass: ARM checks them when they are known.
 * `what` names the value in the error, for example `The parameter 'size'`; a `secret` value is never shown in it.
 */
export function checkType(
  declared: TypeDefinition,
  value: ArmValue,
  what: string,
  definitions: Record<string, TypeDefinition>,
  secret = false,
): void {
  if (containsRuntime(value)) return;
  const type = resolveRef(declared, definitions, what);
  if (value === null) {
    if (type.nullable || type.type?.toLowerCase() === 'any') return;
    fail(what, `is null, but its type ${type.type ?? 'declared'} is not nullable.`);
  }
  if (type.type && !matchesPrimitive(type.type, value)) {
    fail(what, `expects a value of type '${type.type}', but got a value of type '${armTypeOf(value)}'.`);
  }
  checkBounds(type, value, what, secret);
  checkObject(type, value, what, definitions, secret);
  checkArray(type, value, what, definitions, secret);
}
