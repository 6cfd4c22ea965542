/**
 * `@azpn/whatif`: what-if changes as the actions show them. Counting and rendering (log lines, a markdown table),
 * and redaction of every value that is not provably public, driven by an analysis of where a compiled
 * template's secure values flow. Deploy, preview and drift-check share it.
 *
 * The order callers follow: `redactChanges` first (nothing unredacted is rendered), then the noise rules and
 * drift classification (`classifyChanges`, or `noiseFilter` as a `ChangeFilter`), then rendering.
 */
import type { ResourceChange } from './changes.js';

export { changeCounts, describeResource, hasChanges, isChanging } from './changes.js';
export type { PropertyChange, ResourceChange } from './changes.js';
export { changeLines, leafChanges, noiseDetails, whatIfTable } from './rendering.js';
export { redactChanges, redactedValue } from './redaction.js';
export type { RedactionSources } from './redaction.js';
export { secureFlow } from './secure-flow.js';
export type { SecureFlow, SecureProperty } from './secure-flow.js';
export { expressionReferences } from './expression-references.js';
export type { ExpressionReferences } from './expression-references.js';
export { noiseRuleFor, propertyLeaves, typeMatches } from './noise-rules.js';
export type { NoiseRule, PropertyChangeKind, PropertyLeaf } from './noise-rules.js';
export { builtInNoiseRules } from './built-in-noise.js';
export { NoiseRuleSyntaxError, readUserNoiseRules } from './user-noise-rules.js';
export { classifyChanges, driftPropertyCount, noiseFilter, setNoiseAside } from './drift-classification.js';
export type { DriftClassification, NoiseFinding } from './drift-classification.js';
export { driftFingerprint } from './drift-fingerprint.js';

/**
 * A step over the redacted changes that drops a change (noise), or answers it reduced (a change with noisy
 * properties removed): what `noiseFilter(rules)` answers.
 */
export type ChangeFilter = (change: ResourceChange) => ResourceChange | undefined;
