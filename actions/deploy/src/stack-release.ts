import { markdownHeading, markdownTable } from '@azpn/core';
import type { DeploymentStack } from '@azpn/azure';
import type { ResourceChange } from '@azpn/whatif';
import type { StackSettings } from './stack-settings.js';

/** What a stack lets go of: each resource it stops managing, and whether it deletes or detaches it. */
export interface StackRelease {
  id: string;
  action: 'delete' | 'detach';
}

const groupId = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;

/** What `actionOnUnmanage` does with one resource the stack stops managing. */
export function releaseActionFor(
  id: string,
  actions: StackSettings['actionOnUnmanage'],
): 'delete' | 'detach' {
  return groupId.test(id) ? actions.resourceGroups : actions.resources;
}

/**
 * What an update of `existing` would let go of: the resources it manages that the template no longer declares (not
 * in what-if's changes, or only as Ignore or Delete), each deleted or detached as `actionOnUnmanage` says. Azure has
 * no what-if for stacks, so this is how the action predicts it.
 */
export function predictRelease(
  existing: DeploymentStack | undefined,
  changes: readonly ResourceChange[],
  actions: StackSettings['actionOnUnmanage'],
): StackRelease[] {
  const declared = new Set(
    changes
      .filter((c) => c.changeType !== 'Ignore' && c.changeType !== 'Delete')
      .map((c) => c.resourceId.toLowerCase()),
  );
  return (existing?.properties?.resources ?? [])
    .map((r) => r.id ?? '')
    .filter((id) => id !== '' && !declared.has(id.toLowerCase()))
    .map((id) => ({ id, action: releaseActionFor(id, actions) }));
}

/** The summary's table of what a stack lets go of (or would), with a heading; nothing when it lets go of nothing. */
export function releaseTable(title: string, released: readonly StackRelease[]): string {
  if (released.length === 0) return '';
  return (
    markdownHeading(title, 3) +
    markdownTable(
      ['resource', 'action'],
      released.map((r) => [r.id, r.action === 'delete' ? 'deleted' : 'detached (left in place)']),
    )
  );
}
