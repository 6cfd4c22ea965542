import type { NoiseRule } from './noise-rules.js';

/** Why a user rule was refused, in words that fit after "Input noise-rules …". */
export class NoiseRuleSyntaxError extends Error {}

const typePattern = /^[A-Za-z0-9*][\w.*-]*(\/[\w.*-]+)+$/;
const pathPattern = /^[A-Za-z0-9_$*@-]+(\.[A-Za-z0-9_$*@-]+)*$/;

/**
 * User noise rules from their YAML form, a mapping of resource type globs to lists of property path globs:
 *
 * ```yaml
 * Microsoft.Network/virtualNetworks:
 *   - properties.subnets.*.properties.serviceEndpoints
 * Microsoft.Network/*:
 *   - tags.lastReviewed
 * ```
 *
 * Each path covers the property it names and everything under it, for any kind of change.
 */
export function readUserNoiseRules(value: unknown): NoiseRule[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'object' || Array.isArray(value))
    throw new NoiseRuleSyntaxError(
      'must be a YAML mapping of resource types to lists of property paths, such as "Microsoft.Network/natGateways: [properties.idleTimeoutInMinutes]"',
    );
  const rules: NoiseRule[] = [];
  for (const [type, paths] of Object.entries(value as Record<string, unknown>)) {
    if (!typePattern.test(type))
      throw new NoiseRuleSyntaxError(
        `names "${type}", which is not a resource type such as Microsoft.Network/virtualNetworks`,
      );
    const list = typeof paths === 'string' ? [paths] : paths;
    if (!Array.isArray(list) || list.length === 0 || list.some((p) => typeof p !== 'string'))
      throw new NoiseRuleSyntaxError(`gives ${type} no list of property paths`);
    for (const path of list as string[]) {
      if (!pathPattern.test(path))
        throw new NoiseRuleSyntaxError(
          `gives ${type} the path "${path}", which is not a dotted property path such as properties.subnets.*.properties.serviceEndpoints`,
        );
      rules.push({
        type,
        path,
        source: 'noise-rules input',
        reason: 'Listed as noise in the noise-rules input.',
      });
    }
  }
  return rules;
}
