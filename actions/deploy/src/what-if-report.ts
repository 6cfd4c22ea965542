import { markdownTable } from '@azpn/core';

/** A property change as what-if reports it. */
export interface PropertyChange {
  path: string;
  propertyChangeType: string;
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

/** A resource change as what-if reports it. */
export interface ResourceChange {
  resourceId: string;
  changeType: string;
  before?: unknown;
  after?: unknown;
  delta?: PropertyChange[];
}

/** Change types that mean the deployment would change something. */
const changing = new Set(['Create', 'Delete', 'Modify', 'Deploy']);

/** True when any resource would be created, deleted or modified. */
export function hasChanges(changes: readonly ResourceChange[]): boolean {
  return changes.some((c) => changing.has(c.changeType));
}

/** Counts per change type, in a stable order: `Create 3, Modify 1, NoChange 12`. */
export function changeCounts(changes: readonly ResourceChange[]): string {
  const order = ['Create', 'Modify', 'Delete', 'Deploy', 'NoChange', 'Ignore', 'Unsupported'];
  const counts = new Map<string, number>();
  for (const change of changes) counts.set(change.changeType, (counts.get(change.changeType) ?? 0) + 1);
  const rank = (type: string) => (order.includes(type) ? order.indexOf(type) : order.length);
  const types = [...counts.keys()].sort((a, b) => rank(a) - rank(b));
  return types.map((t) => `${t} ${counts.get(t)}`).join(', ') || 'no resources';
}

function leafChanges(changes: readonly PropertyChange[], prefix = ''): string[] {
  return changes.flatMap((change) => {
    const path = prefix ? `${prefix}.${change.path}` : change.path;
    if (change.children?.length) return leafChanges(change.children, path);
    const show = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v));
    return [`${path}: ${show(change.before)} → ${show(change.after)}`];
  });
}

/** `Microsoft.Network/virtualNetworks` and `vnet-hub` out of a resource id. */
export function describeResource(id: string): { type: string; name: string } {
  const tail = id.split('/providers/').pop() ?? id;
  const parts = tail.split('/');
  const type = [parts[0], ...parts.slice(1).filter((_, i) => i % 2 === 0)].join('/');
  const name = parts.filter((_, i) => i > 0 && i % 2 === 0).join('/');
  return { type, name };
}

/** One line per changed property, for the log. */
export function changeLines(changes: readonly ResourceChange[]): string[] {
  return changes
    .filter((c) => changing.has(c.changeType))
    .flatMap((c) => {
      const { type, name } = describeResource(c.resourceId);
      return [`${c.changeType} ${type} ${name}`, ...leafChanges(c.delta ?? []).map((line) => `    ${line}`)];
    });
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The what-if table of the job summary: every resource, what happens to it, and the properties that change. */
export function whatIfTable(changes: readonly ResourceChange[]): string {
  const rows = changes.map((c) => {
    const { type, name } = describeResource(c.resourceId);
    const details = leafChanges(c.delta ?? []).map((l) => `\`${escapeCell(l)}\``);
    return [c.changeType, type, name, details.join('<br>')];
  });
  return markdownTable(['change', 'type', 'name', 'properties'], rows);
}
