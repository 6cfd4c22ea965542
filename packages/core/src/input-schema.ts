import type { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import { InputError } from './errors.js';
import type { InputSpec } from './inputs.js';
import { parseYamlInput } from './yaml-input.js';
import { messages } from './messages.js';
import { quoteValue } from './quote.js';
import { compileSchema } from './schema-compiler.js';

/**
 * Where the bundler leaves the validator it compiled for an exported `…Schema` object (scripts/bundle.ts); a
 * schema without one is compiled on its first use, once.
 */
export const compiledValidator = Symbol.for('azpn.compiledValidator');
const compiled = new WeakMap<object, ValidateFunction>();

function validatorOf(schema: object): ValidateFunction {
  const prebuilt = (schema as { [compiledValidator]?: ValidateFunction })[compiledValidator];
  if (prebuilt) return prebuilt;
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = compileSchema(schema)));
  return validate;
}

/** `[0].startedAt`, `.environment`: where in the value the first problem is, as a reader finds it. */
function location(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
  const params = error.params as { additionalProperty?: string; missingProperty?: string };
  if (error.propertyName !== undefined)
    return `${path ? `${path} ` : ''}the name ${quoteValue(error.propertyName)}`;
  if (params.additionalProperty !== undefined) return `${path}.${params.additionalProperty}`;
  return path;
}

/** The rule broken, in the schema's own words (its `description`) where it has them. */
function problem(error: ErrorObject): string {
  const described = (error.parentSchema as { description?: string } | undefined)?.description;
  const params = error.params as { missingProperty?: string; type?: string };
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a property it takes';
    case 'required':
      return `lacks ${params.missingProperty}`;
    case 'type':
      return `must be ${String(params.type).replace(/,/g, ' or ')}${described ? ` (${described})` : ''}`;
    default:
      return described
        ? `is not valid: ${described}`
        : `is not valid: it ${error.message ?? 'breaks a rule'}`;
  }
}
/**
 * Checks a parsed structured input (JSON or YAML) against a JSON schema and answers it typed; the first problem
 * throws an {@link InputError} naming the input and the place in the value: "Input started-groups has
 * [0].startedAt, which must be number: fix that value."
 */
export function checkInputSchema<T>(input: string, value: unknown, schema: JSONSchemaType<T> | object): T {
  const validate = validatorOf(schema);
  if (validate(value)) return value as T;
  const first = validate.errors?.[0];
  if (!first) throw new InputError(input, messages.inputSchema(input, '', 'is not valid'));
  throw new InputError(input, messages.inputSchema(input, location(first), problem(first)));
}

/**
 * Builders for structured inputs checked against a JSON schema (see {@link checkInputSchema}). A subpath of its
 * own (`@azpn/core/structured-inputs`), so that only the actions that take structured inputs bundle ajv.
 */
export const structuredInput = {
  /** A JSON value, such as another step's JSON output; `fallback` when absent. */
  json<T>(name: string, schema: object, fallback: T): InputSpec<T> {
    return {
      name,
      parse(raw) {
        if (raw === undefined) return fallback;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch (error) {
          throw new InputError(name, messages.inputNotJson(name, (error as Error).message));
        }
        return checkInputSchema<T>(name, value, schema);
      },
    };
  },

  /** A YAML document; `fallback` when absent. */
  yaml<T>(name: string, schema: object, fallback: T): InputSpec<T> {
    return {
      name,
      parse: (raw) =>
        raw === undefined ? fallback : checkInputSchema<T>(name, parseYamlInput(name, raw), schema),
    };
  },
};
