/**
 * What the sweep does with one preview group, and why: delete it when its pull request is closed or its
 * `expires-at` has passed, keep it otherwise (an open pull request not yet expired, or tags it cannot read).
 */
import type { PullRequestState } from '@azpn/code-host';
import { readPreviewTags } from './preview-tags.js';

/** One group's fate. */
export interface SweepDecision {
  group: string;
  pullRequest?: number;
  expiresAt?: string;
  action: 'delete' | 'keep';
  reason: string;
}

/**
 * Decides one group from its tags, its pull request's state (undefined when the code host has no such pull request)
 * and the time now.
 */
export function decideGroup(
  group: { name: string; tags?: Record<string, string> },
  pullRequest: PullRequestState | undefined,
  now: Date,
): SweepDecision {
  const tags = readPreviewTags(group.tags);
  if (tags === undefined)
    return { group: group.name, action: 'keep', reason: 'its preview tags name no pull request' };
  const base = {
    group: group.name,
    pullRequest: tags.pullRequest,
    ...(tags.expiresAt ? { expiresAt: tags.expiresAt.toISOString() } : {}),
  };
  if (pullRequest?.state === 'closed')
    return { ...base, action: 'delete', reason: `pull request #${tags.pullRequest} is closed` };
  if (tags.expiresAt !== undefined && tags.expiresAt.getTime() <= now.getTime())
    return { ...base, action: 'delete', reason: `it expired at ${tags.expiresAt.toISOString()}` };
  if (pullRequest === undefined)
    return {
      ...base,
      action: 'keep',
      reason: `pull request #${tags.pullRequest} was not found; it is kept until it expires`,
    };
  if (tags.expiresAt === undefined)
    return {
      ...base,
      action: 'keep',
      reason: `pull request #${tags.pullRequest} is open and the group has no readable expires-at tag`,
    };
  return {
    ...base,
    action: 'keep',
    reason: `pull request #${tags.pullRequest} is open and it expires at ${tags.expiresAt.toISOString()}`,
  };
}
