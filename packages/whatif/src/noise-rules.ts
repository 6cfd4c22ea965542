import type { PropertyChange } from './changes.js';

/** The kinds of property change what-if reports. */
export type PropertyChangeKind = 'Create' | 'Delete' | 'Modify' | 'Array' | 'NoEffect';

/**
 * A change what-if reports that a deployment would not make, or that no one needs to act on: the resource type
 * and property path it concerns, and the conditions under which it is noise.
 */
export interface NoiseRule {
  /** Resource type glob, case-insensitive: `Microsoft.Network/natGateways`, `Microsoft.Network/*` (one segment). */
  type: string;
  /**
   * Property path glob, dotted as what-if prints it, `*` for one segment (a name or an array index). A rule covers
   * the property it names and everything under it, unless `exact`.
   */
  path: string;
  /** Only the change at `path` itself, not under it (a whole array removed, but not one item of it). */
  exact?: boolean;
  /** Only these kinds of change are noise; any kind when absent. */
  kinds?: readonly PropertyChangeKind[];
  /** Only when the value before the change is one of these (the service's default); any value when absent. */
  before?: readonly unknown[];
  /** Where the rule comes from: the public report (`Azure/arm-template-whatif#418`) or `noise-rules input`. */
  source: string;
  /** Why it is noise, in one sentence for the summary. */
  reason: string;
}

/** One changed property at the end of a what-if delta: its path segments, kind and values. */
export interface PropertyLeaf {
  path: string[];
  kind: string;
  before?: unknown;
  after?: unknown;
}

/** The segments of a delta path (`properties.subnets`, `0`, `properties.addressPrefix`). */
function segments(path: string): string[] {
  return path.split('.').filter((s) => s !== '');
}

/** Every changed property of a delta, nested paths joined (array indexes as segments). */
export function propertyLeaves(delta: readonly PropertyChange[], parent: string[] = []): PropertyLeaf[] {
  return delta.flatMap((change) => {
    const path = [...parent, ...segments(change.path)];
    if (change.children?.length) return propertyLeaves(change.children, path);
    const leaf: PropertyLeaf = { path, kind: change.propertyChangeType };
    if ('before' in change) leaf.before = change.before;
    if ('after' in change) leaf.after = change.after;
    return [leaf];
  });
}

/** A glob segment against a segment: `*` any one, otherwise equal without regard to case. */
function segmentMatches(pattern: string, segment: string): boolean {
  return pattern === '*' || pattern.toLowerCase() === segment.toLowerCase();
}

/** True when a type glob (`Microsoft.Network/*`) names a resource type (`Microsoft.Network/natGateways`). */
export function typeMatches(glob: string, type: string): boolean {
  const pattern = glob.split('/');
  const parts = type.split('/');
  return pattern.length === parts.length && pattern.every((p, i) => segmentMatches(p, parts[i]!));
}

function pathMatches(rule: NoiseRule, path: readonly string[]): boolean {
  const pattern = segments(rule.path);
  if (rule.exact ? pattern.length !== path.length : pattern.length > path.length) return false;
  return pattern.every((p, i) => segmentMatches(p, path[i]!));
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The first rule that makes this leaf of a resource of `type` noise, or undefined. */
export function noiseRuleFor(
  rules: readonly NoiseRule[],
  type: string,
  leaf: PropertyLeaf,
): NoiseRule | undefined {
  return rules.find(
    (rule) =>
      typeMatches(rule.type, type) &&
      pathMatches(rule, leaf.path) &&
      (rule.kinds === undefined || rule.kinds.includes(leaf.kind as PropertyChangeKind)) &&
      (rule.before === undefined || rule.before.some((value) => sameValue(value, leaf.before))),
  );
}
