import { Ajv, type ValidateFunction } from 'ajv';
import { schemaOptions } from './schema-options.js';

let ajv: Ajv | undefined;

/**
 * The validator of `schema`, compiled now, by one ajv for all schemas. Bundles compile every exported `…Schema`
 * when they are built and carry scripts/bundle-stubs/schema-compiler.ts instead, which loads ajv only if a schema
 * they did not compile is checked.
 */
export function compileSchema(schema: object): ValidateFunction {
  ajv ??= new Ajv(schemaOptions);
  return ajv.compile(schema);
}
