/**
 * A subscription-scope preview's deployment stack: found by the environment's name, checked to be this pull
 * request's by its tags before it is written or deleted, and deleted with everything it manages (its resource
 * groups included) by the teardown and the sweep.
 */
import type { Logger } from '@azpn/core';
import type { DeploymentStack, OpenAzure } from '@azpn/azure';
import { readStack } from '@azpn/action-deploy/stack-calls';
import { deleteDeploymentStack, type StackDeletionResult } from '@azpn/action-deploy/stack-deletion';
import { deploymentStacksClient } from '@azpn/azure/clients/deployment-stacks';
import type { PreviewTarget } from './config.js';
import { previewTagsFor, refuseForeignHome } from './preview-group.js';
import { previewStackSettings } from './preview-stack-settings.js';
import { previewTagNames } from './preview-tags.js';

const subscription = { level: 'subscription' } as const;

/** The preview's stack at subscription scope, or undefined when it does not exist. */
export function findPreviewStack(azure: OpenAzure, name: string): Promise<DeploymentStack | undefined> {
  return readStack(azure, subscription, name);
}

/**
 * The tags the stack is written with: this pull request's (a stack of anyone else is refused before anything is
 * written), its other tags and its creation time kept when it exists.
 */
export async function previewStackTags(
  azure: OpenAzure,
  preview: { target: PreviewTarget; repository: string; ttlMs: number; now: Date },
): Promise<Record<string, string>> {
  const existing = await findPreviewStack(azure, preview.target.home.name);
  if (existing) refuseForeignHome(existing.tags, preview.repository, preview.target, 'deployed');
  return previewTagsFor(existing?.tags, preview);
}

/** Deletes a preview stack with what it manages, past an out-of-sync resource list: a teardown leaves nothing. */
export function deletePreviewStack(
  azure: OpenAzure,
  name: string,
  platform: { log: Logger; now(): number },
): Promise<StackDeletionResult> {
  return deleteDeploymentStack(
    azure,
    {
      scope: subscription,
      name,
      actionOnUnmanage: previewStackSettings(name).actionOnUnmanage,
      bypassStackOutOfSyncError: true,
    },
    platform,
  );
}

/** The subscription's stacks whose tags name this repository (regardless of case, as GitHub names are). */
export async function listPreviewStacks(
  azure: OpenAzure,
  repository: string,
): Promise<{ name: string; tags: Record<string, string> }[]> {
  const stacks = [];
  // The stacks list takes no $filter: the repository tag is compared here.
  for await (const stack of azure.client(deploymentStacksClient).deploymentStacks.listAtSubscription()) {
    const tags = stack.tags ?? {};
    if (tags[previewTagNames.repository]?.toLowerCase() === repository.toLowerCase())
      stacks.push({ name: stack.name ?? '', tags });
  }
  return stacks;
}
