/**
 * `mode: destroy`, on a pull request closed: deletes the preview group only when its tags name this repository and
 * this pull request (any other group is refused with a sentence and nothing is deleted), then updates the comment.
 */
import { markdownHeading, UserFacingError, type Platform } from '@azpn/core';
import { openAzure, pollWithProgress, toUserFacingError } from '@azpn/azure';
import type { PreviewConfig } from './config.js';
import { openCodeHost, postPreviewComment } from './code-host.js';
import { announceTarget } from './deploy-preview.js';
import { destroyedComment, targetFacts } from './preview-comment.js';
import { findGroup, refuseForeignGroup } from './preview-group.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

type DestroyMode = Extract<PreviewConfig, { mode: 'destroy' }>;

/** Deletes the group if it is this pull request's; answers whether a group was deleted. */
async function deleteOwnGroup(platform: Platform, config: DestroyMode): Promise<boolean> {
  const { target } = config;
  const azure = await openAzure(platform, config.connection);
  try {
    const group = await findGroup(azure, target.resourceGroup);
    if (group === undefined) {
      platform.log.info(
        `The resource group ${target.resourceGroup} does not exist: there is nothing to delete.`,
      );
      return false;
    }
    refuseForeignGroup(group, config.host.repository, target, 'deleted');
    const poller = await azure.client(resourcesClient).resourceGroups.beginDelete(target.resourceGroup);
    await pollWithProgress(poller, `delete ${target.resourceGroup}`, platform);
    return true;
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    throw toUserFacingError(error);
  }
}

/** Tears the pull request's preview down and says so in its comment. */
export async function destroyPreview(platform: Platform, config: DestroyMode): Promise<void> {
  const { target } = config;
  if (announceTarget(platform, target, 'torn down')) return;
  const deleted = await deleteOwnGroup(platform, config);
  platform.outputs.set('deleted', String(deleted));
  if (config.comment) {
    const comments = openCodeHost(platform, config.host).comments(target.pullRequest.number);
    const facts = targetFacts(target, platform.context.codeHost?.runUrl);
    await postPreviewComment(
      platform,
      comments,
      target.pullRequest.headSha,
      destroyedComment(facts, deleted),
    );
  }
  await platform.summary.append(
    markdownHeading(`Preview ${target.environmentName} torn down`) +
      (deleted
        ? `Deleted the resource group ${target.resourceGroup}.\n`
        : `No resource group ${target.resourceGroup} existed.\n`),
  );
}
