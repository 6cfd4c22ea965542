/**
 * The tags that make a resource group a pull request's preview environment: the repository, the pull request, the
 * head commit deployed, when it was created and when it expires. Teardown and the sweep act only on groups whose
 * tags name this repository (and, for teardown, this pull request).
 */

/** The tag names, as the group carries them. */
export const previewTagNames = {
  repository: 'preview-repository',
  pullRequest: 'preview-pull-request',
  head: 'preview-head-commit',
  createdAt: 'created-at',
  expiresAt: 'expires-at',
} as const;

/** What a preview group's tags say. */
export interface PreviewTags {
  repository: string;
  pullRequest: number;
  head?: string;
  createdAt?: Date;
  expiresAt?: Date;
}

const time = (text: string | undefined): Date | undefined => {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** The preview a group's tags describe, or undefined when they name no repository and pull request. */
export function readPreviewTags(tags: Record<string, string> | undefined): PreviewTags | undefined {
  const repository = tags?.[previewTagNames.repository];
  const pullRequest = Number(tags?.[previewTagNames.pullRequest]);
  if (!repository || !Number.isInteger(pullRequest) || pullRequest <= 0) return undefined;
  const head = tags?.[previewTagNames.head];
  const createdAt = time(tags?.[previewTagNames.createdAt]);
  const expiresAt = time(tags?.[previewTagNames.expiresAt]);
  return {
    repository,
    pullRequest,
    ...(head ? { head } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** Whether the tags name this repository (regardless of case, as GitHub names are) and this pull request. */
export function belongsTo(tags: PreviewTags | undefined, repository: string, pullRequest: number): boolean {
  return tags?.repository.toLowerCase() === repository.toLowerCase() && tags.pullRequest === pullRequest;
}

/**
 * The tags of a deploy: the group's other tags kept, its creation time kept when it has one, the head commit and
 * the expiry (now + ttl) renewed, so that a pull request pushed to keeps its preview.
 */
export function deployTags(
  existing: Record<string, string> | undefined,
  preview: { repository: string; pullRequest: number; head?: string; now: Date; ttlMs: number },
): Record<string, string> {
  const created = time(existing?.[previewTagNames.createdAt]) ?? preview.now;
  return {
    ...existing,
    [previewTagNames.repository]: preview.repository,
    [previewTagNames.pullRequest]: String(preview.pullRequest),
    ...(preview.head ? { [previewTagNames.head]: preview.head } : {}),
    [previewTagNames.createdAt]: created.toISOString(),
    [previewTagNames.expiresAt]: new Date(preview.now.getTime() + preview.ttlMs).toISOString(),
  };
}
