import { parse } from 'yaml';

/**
 * YAML text as a value (the `yaml` package's `parse`). Its own module, so that bundles carry
 * scripts/bundle-stubs/yaml-text.ts instead, which sets up the parser only when YAML is first read.
 */
export function parseYamlText(text: string): unknown {
  return parse(text);
}
