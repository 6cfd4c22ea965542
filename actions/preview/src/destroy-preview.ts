/**
 * `mode: destroy`, on a pull request closed: deletes the preview group only when its tags name this repository and
 * this pull request (any other group is refused with a sentence and nothing is deleted), then updates the comment.
 */
import { markdownHeading, UserFacingError, type Platform } from '@azpn/core';
import { openAzure, pollWithProgress, toUserFacingError } from '@azpn/azure';
import { homeLabel, type PreviewConfig } from './config.js';
import { openCodeHost, postPreviewComment } from './code-host.js';
import { announceTarget } from './deploy-preview.js';
import { destroyedComment, targetFacts } from './preview-comment.js';
import { findGroup, refuseForeignHome } from './preview-group.js';
import { deletePreviewStack, findPreviewStack } from './preview-stack.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

type DestroyMode = Extract<PreviewConfig, { mode: 'destroy' }>;

/** Deletes the group (or stack) if it is this pull request's; answers whether there was one to delete. */
async function deleteOwnHome(platform: Platform, config: DestroyMode): Promise<boolean> {
  const { target } = config;
  const { home } = target;
  const azure = await openAzure(platform, config.connection);
  try {
    const found =
      home.kind === 'deployment stack'
        ? await findPreviewStack(azure, home.name)
        : await findGroup(azure, home.name);
    if (found === undefined) {
      platform.log.info(`The ${homeLabel(home)} does not exist: there is nothing to delete.`);
      return false;
    }
    refuseForeignHome(found.tags, config.host.repository, target, 'deleted');
    if (home.kind === 'deployment stack') {
      const { released } = await deletePreviewStack(azure, home.name, platform);
      platform.log.info(`Deleted the ${homeLabel(home)} and the ${released.length} resource(s) it managed.`);
      return true;
    }
    const poller = await azure.client(resourcesClient).resourceGroups.beginDelete(home.name);
    await pollWithProgress(poller, `delete ${home.name}`, platform);
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
  const deleted = await deleteOwnHome(platform, config);
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
        ? `Deleted the ${homeLabel(target.home)}${target.home.kind === 'deployment stack' ? ' with what it managed' : ''}.\n`
        : `No ${homeLabel(target.home)} existed.\n`),
  );
}
