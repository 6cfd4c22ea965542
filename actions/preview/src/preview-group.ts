import { InputError, UserFacingError } from '@azpn/core';
import type { OpenAzure } from '@azpn/azure';
import type { ResourceGroup } from '@azure/arm-resources';
import type { PreviewTarget } from './config.js';
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

/** Refuses a group that is not this pull request's preview: nothing is changed or deleted. */
export function refuseForeignGroup(
  group: ResourceGroup,
  repository: string,
  target: PreviewTarget,
  doing: string,
): void {
  const tags = readPreviewTags(group.tags);
  if (belongsTo(tags, repository, target.pullRequest.number)) return;
  throw new UserFacingError(
    `The resource group ${target.resourceGroup} is not the preview of ${repository} pull request #${target.pullRequest.number} (${describeOwner(tags)}): nothing was ${doing}; set prefix or resource-group to a name of its own.`,
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
  const groups = azure.client(resourcesClient).resourceGroups;
  const existing = await findGroup(azure, target.resourceGroup);
  if (existing) refuseForeignGroup(existing, repository, target, 'deployed');
  const tags = deployTags(existing?.tags, {
    repository,
    pullRequest: target.pullRequest.number,
    ...(target.pullRequest.headSha ? { head: target.pullRequest.headSha } : {}),
    now: preview.now,
    ttlMs: preview.ttlMs,
  });
  if (existing) {
    await groups.update(target.resourceGroup, { tags });
    return tags;
  }
  if (!preview.location)
    throw new InputError(
      'location',
      `Input location is not set and the preview's resource group ${target.resourceGroup} does not exist yet: set location to the region to create it in, such as westeurope.`,
    );
  await groups.createOrUpdate(target.resourceGroup, { location: preview.location, tags });
  return tags;
}
