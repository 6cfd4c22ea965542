/**
 * The ajv options every structured input's schema is compiled with: at run time by schema-compiler.ts, and when
 * a bundle is built by scripts/bundle.ts, which must produce the very same validators.
 */
export const schemaOptions = {
  allErrors: false,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
} as const;
