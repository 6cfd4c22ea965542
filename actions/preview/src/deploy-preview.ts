/**
 * `mode: deploy`, on a pull request opened, pushed to or reopened: the preview group is prepared (created or its tags
 * renewed), the template deployed through deploy's own code, and the sticky comment says deploying, then deployed
 * (with the what-if table and the outputs that are not secret) or failed.
 */
import { markdownHeading, type Platform } from '@azpn/core';
import { openAzure } from '@azpn/azure';
import { executeDeployment, prepareDeployment } from '@azpn/action-deploy/deployment';
import type { CommentStore, PullRequestHost } from '@azpn/code-host';
import { homeLabel, type PreviewConfig } from './config.js';
import { openCodeHost, postPreviewComment } from './code-host.js';
import { deployedComment, deployingComment, failedComment, targetFacts } from './preview-comment.js';
import { preparePreviewGroup } from './preview-group.js';
import { previewStackTags } from './preview-stack.js';
import { previewTagNames } from './preview-tags.js';

type DeployMode = Extract<PreviewConfig, { mode: 'deploy' }>;

/**
 * Publishes the environment's name and group, and answers true after the one line a pull request from a fork gets
 * on both platforms (no OIDC token, a read-only token): the run then skips.
 */
export function announceTarget(platform: Platform, target: DeployMode['target'], doing: string): boolean {
  platform.outputs.set('environment-name', target.environmentName);
  platform.outputs.set('resource-group', target.home.kind === 'resource group' ? target.home.name : '');
  platform.outputs.set('stack-name', target.home.kind === 'deployment stack' ? target.home.name : '');
  platform.outputs.set('skipped', String(target.pullRequest.fork));
  if (!target.pullRequest.fork) return false;
  platform.log.info(
    `This pull request comes from a fork, which gets no OIDC token to sign in to Azure: the preview is not ${doing}, and no comment is written because the fork's token is read-only.`,
  );
  return true;
}

/**
 * True (and said in one line) when the pull request's head moved past the commit this run is for: the run for the
 * newer head deploys, so an older one never deploys over it.
 */
async function headMoved(
  platform: Platform,
  host: PullRequestHost,
  target: DeployMode['target'],
): Promise<boolean> {
  const ours = target.pullRequest.headSha;
  const now = (await host.pullRequest(target.pullRequest.number))?.head;
  if (ours === undefined || now === undefined || now === ours) return false;
  platform.log.info(
    `The pull request's head is now ${now.slice(0, 7)}, not ${ours.slice(0, 7)}: this run deploys nothing, and the run for ${now.slice(0, 7)} updates the preview.`,
  );
  platform.outputs.set('skipped', 'true');
  return true;
}

/** Deploys the pull request's preview and keeps its comment up to date. */
export async function deployPreview(platform: Platform, config: DeployMode): Promise<void> {
  const { target } = config;
  if (announceTarget(platform, target, 'deployed')) return;
  // The template and its parameters are checked before the pull request is read or anything is written.
  const prepared = await prepareDeployment(platform, config.deploy);
  const now = new Date();
  const facts = targetFacts(
    target,
    platform.context.codeHost?.runUrl,
    new Date(now.getTime() + config.ttlMs),
  );
  const host = config.comment ? openCodeHost(platform, config.host) : undefined;
  if (host && (await headMoved(platform, host, target))) return;
  const comments: CommentStore | undefined = host?.comments(target.pullRequest.number);
  const post = async (content: string) => {
    if (comments) await postPreviewComment(platform, comments, target.pullRequest.headSha, content);
  };
  // Posted before anything is deployed, so a token that cannot comment fails the job before Azure is touched.
  await post(deployingComment(facts));
  const azure = await openAzure(platform, config.connection);
  try {
    const preview = { target, repository: config.host.repository, ttlMs: config.ttlMs, now };
    let deploy = config.deploy;
    let tags: Record<string, string>;
    if (deploy.stack) {
      // The stack carries the preview's tags: it is what teardown and the sweep find and delete.
      tags = await previewStackTags(azure, preview);
      deploy = { ...deploy, stack: { ...deploy.stack, tags } };
    } else
      tags = await preparePreviewGroup(azure, {
        ...preview,
        ...(deploy.location ? { location: deploy.location } : {}),
      });
    const outcome = await executeDeployment(platform, deploy, { azure, prepared });
    await post(deployedComment(facts, outcome.changes, outcome.outputs));
    await platform.summary.append(
      markdownHeading(`Preview ${target.environmentName}`) +
        `Deployed ${target.pullRequest.headSha?.slice(0, 7) ?? 'the pull request'} to the ${homeLabel(target.home)}, which expires at ${tags[previewTagNames.expiresAt]}.\n`,
    );
  } catch (error) {
    await post(failedComment(facts, (error as Error).message)).catch(() => undefined);
    throw error;
  }
}
