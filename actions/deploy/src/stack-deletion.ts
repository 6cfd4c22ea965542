import { markdownHeading, UserFacingError, type Logger, type Platform } from '@azpn/core';
import { pollWithProgress, type OpenAzure } from '@azpn/azure';
import type { DeployScope, StackDeletionConfig } from './config.js';
import { scopeLabel } from './deployment-calls.js';
import { readStack, startStackDelete, type StackDeleteOptions } from './stack-calls.js';
import { releaseActionFor, releaseTable, type StackRelease } from './stack-release.js';

/** A deployment stack to delete: where it is, its name, and what becomes of what it manages. */
export interface StackDeletionRequest extends StackDeleteOptions {
  scope: DeployScope;
  name: string;
}

/** What a stack deletion did: whether the stack existed, and what it deleted or detached. */
export interface StackDeletionResult {
  existed: boolean;
  released: StackRelease[];
}

/**
 * Deletes a deployment stack and waits for it: with `actionOnUnmanage` `delete` (resources, resource groups) the
 * stack deletes what it manages, with `detach` it leaves it in place; the stack's deny assignments go with it. A
 * stack that does not exist is nothing to do (`existed: false`), so a teardown can run again. A deletion that fails
 * throws one sentence naming the first resource the stack could not delete. The deploy action's `mode: delete` runs
 * it; previews can call it for their teardown.
 */
export async function deleteDeploymentStack(
  azure: OpenAzure,
  request: StackDeletionRequest,
  platform: { log: Logger; now(): number },
): Promise<StackDeletionResult> {
  const existing = await readStack(azure, request.scope, request.name);
  if (existing === undefined) return { existed: false, released: [] };
  const released = (existing.properties?.resources ?? [])
    .map((r) => r.id ?? '')
    .filter((id) => id !== '')
    .map((id) => ({ id, action: releaseActionFor(id, request.actionOnUnmanage) }));
  const poller = await startStackDelete(azure, request.scope, request.name, request);
  try {
    await pollWithProgress(poller, `delete stack ${request.name}`, platform);
  } catch (error) {
    const left = await readStack(azure, request.scope, request.name).catch(() => undefined);
    const first = left?.properties?.failedResources?.[0];
    if (first === undefined) throw error;
    throw new UserFacingError(
      `Stack ${request.name} was not deleted: ${first.id} could not be deleted (${first.error?.code ?? 'error'}: ${first.error?.message ?? 'no message'}). Remove what blocks it and run again.`,
    );
  }
  return { existed: true, released };
}

/** `mode: delete`: deletes the stack named by the inputs, and says in the summary what went with it. */
export async function runStackDeletion(
  azure: OpenAzure,
  platform: Platform,
  config: StackDeletionConfig,
): Promise<void> {
  const { stack, scope } = config;
  const where = scopeLabel(scope, config.connection.subscriptionId);
  platform.outputs.set('stack-name', stack.name);
  const result = await deleteDeploymentStack(
    azure,
    {
      scope,
      name: stack.name,
      actionOnUnmanage: stack.actionOnUnmanage,
      bypassStackOutOfSyncError: stack.bypassStackOutOfSyncError,
    },
    platform,
  );
  const heading = markdownHeading(`Stack ${stack.name} at ${where}`);
  if (!result.existed) {
    platform.log.info(`Stack ${stack.name} does not exist at ${where}: nothing to delete.`);
    return platform.summary.append(`${heading}The stack does not exist: nothing was deleted.\n`);
  }
  const deleted = result.released.filter((r) => r.action === 'delete').length;
  platform.log.info(
    `Deleted stack ${stack.name}: ${deleted} resource(s) deleted, ${result.released.length - deleted} detached.`,
  );
  await platform.summary.append(
    `${heading}Deleted the stack with action-on-unmanage ${stack.unmanage}.\n\n` +
      releaseTable('What the stack managed', result.released),
  );
}
