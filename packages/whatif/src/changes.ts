/** A property change as what-if reports it (`WhatIfPropertyChange`). */
export interface PropertyChange {
  path: string;
  propertyChangeType: string;
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

/** A resource change as what-if reports it (`WhatIfChange`). */
export interface ResourceChange {
  resourceId: string;
  changeType: string;
  before?: unknown;
  after?: unknown;
  delta?: PropertyChange[];
}

/** Change types that mean the deployment would change something. */
const changing = new Set(['Create', 'Delete', 'Modify', 'Deploy']);

/** True when `change` would create, delete or modify its resource. */
export function isChanging(change: ResourceChange): boolean {
  return changing.has(change.changeType);
}

/** True when any resource would be created, deleted or modified. */
export function hasChanges(changes: readonly ResourceChange[]): boolean {
  return changes.some(isChanging);
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

/**
 * `Microsoft.Network/virtualNetworks` and `vnet-hub` out of a resource id; a child resource's type and name keep
 * every level (`Microsoft.Network/privateDnsZones/A`, `internal.net/web`).
 */
export function describeResource(id: string): { type: string; name: string } {
  const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(id);
  if (group) return { type: 'Microsoft.Resources/resourceGroups', name: group[1]! };
  const tail = id.split('/providers/').pop() ?? id;
  const parts = tail.split('/');
  const type = [parts[0], ...parts.slice(1).filter((_, i) => i % 2 === 0)].join('/');
  const name = parts.filter((_, i) => i > 0 && i % 2 === 0).join('/');
  return { type, name };
}
