import { InputError, UserFacingError } from '@azpn/core';
import type { OpenAzure } from '@azpn/azure';
import type { ResourceGroup } from '@azure/arm-resources';
import { homeLabel, type PreviewTarget } from './config.js';
import { belongsTo, deployTags, readPreviewTags, type PreviewTags } from './preview-tags.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

/** The resource group, or undefined when it does not exist. */
export async function findGroup(azure: OpenAzure, name: string): Promise<ResourceGroup | undefined> {
  return azure
    .client(resourcesClient)
    .resourceGroups.get(name)
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return undefined;
      throw error;
    });
}

/** What a group's tags say it is, for the sentence that refuses to touch it. */
export function describeOwner(tags: PreviewTags | undefined): string {
  if (tags === undefined) return 'it carries no preview tags';
  return `its tags name ${tags.repository} pull request #${tags.pullRequest}`;
}

/** Refuses a group or stack that is not this pull request's preview: nothing is changed or deleted. */
export function refuseForeignHome(
  tags: Record<string, string> | undefined,
  repository: string,
  target: PreviewTarget,
  doing: string,
): void {
  const read = readPreviewTags(tags);
  if (belongsTo(read, repository, target.pullRequest.number)) return;
  throw new UserFacingError(
    `The ${homeLabel(target.home)} is not the preview of ${repository} pull request #${target.pullRequest.number} (${describeOwner(read)}): nothing was ${doing}; set prefix${target.home.kind === 'resource group' ? ' or resource-group' : ''} to a name of its own.`,
  );
}

/**
 * Makes the pull request's preview group ready for the deploy: created with the preview tags (in `location`), or,
 * when it exists and is this pull request's, its tags renewed (head commit, expiry). A group of anyone else is
 * refused before anything is written.
 */
export async function preparePreviewGroup(
  azure: OpenAzure,
  preview: { target: PreviewTarget; repository: string; location?: string; ttlMs: number; now: Date },
): Promise<Record<string, string>> {
  const { target, repository } = preview;
  const name = target.home.name;
  const groups = azure.client(resourcesClient).resourceGroups;
  const existing = await findGroup(azure, name);
  if (existing) refuseForeignHome(existing.tags, repository, target, 'deployed');
  const tags = previewTagsFor(existing?.tags, preview);
  if (existing) {
    await groups.update(name, { tags });
    return tags;
  }
  if (!preview.location)
    throw new InputError(
      'location',
      `Input location is not set and the preview's resource group ${name} does not exist yet: set location to the region to create it in, such as westeurope.`,
    );
  await groups.createOrUpdate(name, { location: preview.location, tags });
  return tags;
}

/** The tags a deploy gives the preview's home: its other tags kept, the ownership, head commit and expiry renewed. */
export function previewTagsFor(
  existing: Record<string, string> | undefined,
  preview: { target: PreviewTarget; repository: string; ttlMs: number; now: Date },
): Record<string, string> {
  const { target } = preview;
  return deployTags(existing, {
    repository: preview.repository,
    pullRequest: target.pullRequest.number,
    ...(target.pullRequest.headSha ? { head: target.pullRequest.headSha } : {}),
    now: preview.now,
    ttlMs: preview.ttlMs,
  });
}
