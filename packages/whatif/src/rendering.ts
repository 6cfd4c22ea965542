import { markdownTable } from '@azpn/core';
import type { NoiseFinding } from './drift-classification.js';
import { isChanging, describeResource, type PropertyChange, type ResourceChange } from './changes.js';
import { redactedValue } from './redaction.js';

/** A value as a change line shows it: JSON, `∅` for absent, and a redacted value as the word itself. */
function show(value: unknown): string {
  if (value === undefined) return '∅';
  if (value === redactedValue) return redactedValue;
  return JSON.stringify(value);
}

/** `path: before → after` for every changed leaf property, paths joined with dots. */
export function leafChanges(changes: readonly PropertyChange[], prefix = ''): string[] {
  return changes.flatMap((change) => {
    const path = prefix ? `${prefix}.${change.path}` : change.path;
    if (change.children?.length) return leafChanges(change.children, path);
    return [`${path}: ${show(change.before)} → ${show(change.after)}`];
  });
}

/** One line per changing resource and one per changed property under it, for the log. */
export function changeLines(changes: readonly ResourceChange[]): string[] {
  return changes.filter(isChanging).flatMap((c) => {
    const { type, name } = describeResource(c.resourceId);
    return [`${c.changeType} ${type} ${name}`, ...leafChanges(c.delta ?? []).map((line) => `    ${line}`)];
  });
}

/**
 * The what-if table of a summary or comment: every resource, what happens to it, and the properties that change.
 * Cells are escaped once, by the table.
 */
export function whatIfTable(changes: readonly ResourceChange[]): string {
  const rows = changes.map((c) => {
    const { type, name } = describeResource(c.resourceId);
    const details = leafChanges(c.delta ?? []).map((line) => `\`${line.replaceAll('`', "'")}\``);
    return [c.changeType, type, name, details.join('\n')];
  });
  return markdownTable(['change', 'type', 'name', 'properties'], rows);
}

/**
 * The noise set aside, as a collapsed markdown section: each property with its resource and the public report
 * (or user rule) that makes it noise. Empty when there is none.
 */
export function noiseDetails(noise: readonly NoiseFinding[]): string {
  if (noise.length === 0) return '';
  const rows = noise.map((n) => {
    const { type, name } = describeResource(n.resourceId);
    return [`${type} ${name}`, `\`${n.path}\``, n.source];
  });
  const resources = new Set(noise.map((n) => n.resourceId.toLowerCase())).size;
  const title = `${noise.length} changed ${noise.length === 1 ? 'property' : 'properties'} of ${resources} ${resources === 1 ? 'resource' : 'resources'} set aside as known what-if noise`;
  return `<details><summary>${title}</summary>\n\n${markdownTable(['resource', 'property', 'why it is noise'], rows)}\n</details>\n`;
}
