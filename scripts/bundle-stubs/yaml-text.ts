import type * as Yaml from 'yaml';

/**
 * Stands in for packages/core/src/yaml-text.ts in the bundles: the same parser, but the `yaml` package (5 ms of
 * module set-up) is required only when YAML is first read, which many runs never do (an absent
 * parameter-overrides, a post step). The bundler turns this `require` into a bundled module set up on that call.
 */
export function parseYamlText(text: string): unknown {
  return (require('yaml') as typeof Yaml).parse(text);
}
