import { describeResource, type PropertyChange, type ResourceChange } from './changes.js';
import type { ChangeFilter } from './index.js';
import { noiseRuleFor, propertyLeaves, type NoiseRule, type PropertyLeaf } from './noise-rules.js';

/** A changed property that a noise rule recognised. */
export interface NoiseFinding {
  resourceId: string;
  /** The property path, dotted as what-if prints it. */
  path: string;
  kind: string;
  source: string;
  reason: string;
}

/** What-if's changes sorted for a drift check. */
export interface DriftClassification {
  /** The changes someone must act on, each reduced to its properties that are not noise. */
  drift: ResourceChange[];
  /** Every changed property a noise rule recognised. */
  noise: NoiseFinding[];
  /** Resources what-if cannot judge property by property (`Deploy`, `Unsupported`): listed, not drift. */
  unchecked: ResourceChange[];
}

/** Change types that say nothing drifted: the resource is as declared, or not the template's. */
const unchanged = new Set(['NoChange', 'Ignore']);

/** Change types what-if answers without comparing properties. */
const notCompared = new Set(['Deploy', 'Unsupported']);

/** The delta without the properties `noisy` picks; a parent left with no changed child goes too. */
function pruneDelta(
  delta: readonly PropertyChange[],
  noisy: (path: string[], change: PropertyChange) => boolean,
  parent: string[] = [],
): PropertyChange[] {
  return delta.flatMap((change) => {
    const path = [...parent, ...change.path.split('.').filter((s) => s !== '')];
    if (!change.children?.length) return noisy(path, change) ? [] : [change];
    const children = pruneDelta(change.children, noisy, path);
    return children.length === 0 ? [] : [{ ...change, children }];
  });
}

function leafOf(path: string[], change: PropertyChange): PropertyLeaf {
  const leaf: PropertyLeaf = { path, kind: change.propertyChangeType };
  if ('before' in change) leaf.before = change.before;
  if ('after' in change) leaf.after = change.after;
  return leaf;
}

/**
 * Sorts what-if's changes for a drift check. A resource to create (deleted out of band) or delete (Complete mode)
 * is drift. A modified one is drift when any changed property is neither `NoEffect` (the service ignores it) nor
 * matched by a noise rule; it is reported reduced to those properties. `NoChange` and `Ignore` are skipped;
 * `Deploy` and `Unsupported`, which what-if cannot compare, are listed as unchecked.
 */
export function classifyChanges(
  changes: readonly ResourceChange[],
  rules: readonly NoiseRule[],
): DriftClassification {
  const result: DriftClassification = { drift: [], noise: [], unchecked: [] };
  for (const change of changes) {
    if (unchanged.has(change.changeType)) continue;
    if (notCompared.has(change.changeType)) {
      result.unchecked.push(change);
      continue;
    }
    if (change.changeType !== 'Modify') {
      result.drift.push(change);
      continue;
    }
    const type = describeResource(change.resourceId).type;
    const delta = pruneDelta(change.delta ?? [], (path, property) => {
      if (property.propertyChangeType === 'NoEffect') return true;
      const rule = noiseRuleFor(rules, type, leafOf(path, property));
      if (rule === undefined) return false;
      result.noise.push({
        resourceId: change.resourceId,
        path: path.join('.'),
        kind: property.propertyChangeType,
        source: rule.source,
        reason: rule.reason,
      });
      return true;
    });
    // A Modify without a delta (a provider what-if cannot read) is drift as it stands.
    if (delta.length > 0 || !change.delta?.length) result.drift.push({ ...change, delta });
  }
  return result;
}

/** The number of changed properties of a drift change (a created or deleted resource counts once). */
export function driftPropertyCount(change: ResourceChange): number {
  return change.changeType === 'Modify' ? Math.max(1, propertyLeaves(change.delta ?? []).length) : 1;
}

/**
 * The noise rules as a {@link ChangeFilter} over one change: undefined when every changed property of a modified
 * resource is noise or `NoEffect`, the change reduced to its other properties otherwise, other changes as they are.
 */
export function noiseFilter(rules: readonly NoiseRule[]): ChangeFilter {
  return (change) => {
    if (change.changeType !== 'Modify') return change;
    return classifyChanges([change], rules).drift[0];
  };
}

/**
 * What-if's changes with the noise set aside, for a deployment's report: a modified resource whose every changed
 * property is noise (or `NoEffect`) shows as `NoChange`, one with noise and real changes keeps only the real ones;
 * every other change stays as it is. The noise found is listed with each rule's source.
 */
export function setNoiseAside(
  changes: readonly ResourceChange[],
  rules: readonly NoiseRule[],
): { changes: ResourceChange[]; noise: NoiseFinding[] } {
  const noise: NoiseFinding[] = [];
  const kept = changes.map((change) => {
    if (change.changeType !== 'Modify') return change;
    const classified = classifyChanges([change], rules);
    noise.push(...classified.noise);
    const reduced = classified.drift[0];
    if (reduced !== undefined) return reduced;
    const unchanged: ResourceChange = { resourceId: change.resourceId, changeType: 'NoChange' };
    if (change.before !== undefined) unchanged.before = change.before;
    if (change.after !== undefined) unchanged.after = change.after;
    return unchanged;
  });
  return { changes: kept, noise };
}
