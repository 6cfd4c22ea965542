import type { Ajv, ValidateFunction } from 'ajv';
import { schemaOptions } from '../../packages/core/src/schema-options.js';

let ajv: Ajv | undefined;

/**
 * Stands in for packages/core/src/schema-compiler.ts in the bundles: the same compiler, but ajv (120 kB, and
 * tens of milliseconds to set up) is required only when a schema the bundler did not compile is checked. The
 * bundler turns this `require` into a bundled module initialised on that first call.
 */
export function compileSchema(schema: object): ValidateFunction {
  if (!ajv) {
    const { Ajv: AjvClass } = require('ajv') as { Ajv: new (options: object) => Ajv };
    ajv = new AjvClass(schemaOptions);
  }
  return ajv.compile(schema);
}
