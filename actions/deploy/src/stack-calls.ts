import type { DeploymentStack, OpenAzure } from '@azpn/azure';
import type { DeployConfig, DeployScope } from './config.js';
import type { StackSettings } from './stack-settings.js';
import type { PreparedTemplate } from './template-source.js';
import { deploymentStacksClient } from '@azpn/azure/clients/deployment-stacks';

/** How often the stack's operation status is read (the stacks service sends no Retry-After to go by). */
const stackPolling = { updateIntervalInMs: 1000 };

/** The stack request: the template, its parameters and the stack's settings; a location at subscription scope. */
export function stackBody(
  config: Pick<DeployConfig, 'scope' | 'location'>,
  stack: StackSettings,
  prepared: PreparedTemplate,
): DeploymentStack {
  return {
    // The stacks service requires a location at subscription scope; a group's stack lives in its group's.
    ...(config.scope.level === 'subscription' ? { location: config.location! } : {}),
    ...(stack.tags === undefined ? {} : { tags: stack.tags }),
    properties: {
      template: prepared.template,
      parameters: prepared.parameters,
      actionOnUnmanage: stack.actionOnUnmanage,
      denySettings: stack.denySettings,
      bypassStackOutOfSyncError: stack.bypassStackOutOfSyncError,
    },
  };
}

/** The stack as the service reports it, or undefined when it does not exist. */
export async function readStack(
  azure: OpenAzure,
  scope: DeployScope,
  name: string,
): Promise<DeploymentStack | undefined> {
  const { deploymentStacks } = azure.client(deploymentStacksClient);
  const read =
    scope.level === 'resourceGroup'
      ? deploymentStacks.getAtResourceGroup(scope.resourceGroup, name)
      : deploymentStacks.getAtSubscription(name);
  return read.catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) return undefined;
    throw error;
  });
}

/** The stacks service's validation of the stack (template, parameters and settings) at its scope. */
export function validateStack(azure: OpenAzure, scope: DeployScope, name: string, body: DeploymentStack) {
  const { deploymentStacks } = azure.client(deploymentStacksClient);
  return scope.level === 'resourceGroup'
    ? deploymentStacks.beginValidateStackAtResourceGroupAndWait(scope.resourceGroup, name, body, stackPolling)
    : deploymentStacks.beginValidateStackAtSubscriptionAndWait(name, body, stackPolling);
}

/** Starts creating or updating the stack at its scope: a poller to wait on. */
export function startStackWrite(azure: OpenAzure, scope: DeployScope, name: string, body: DeploymentStack) {
  const { deploymentStacks } = azure.client(deploymentStacksClient);
  return scope.level === 'resourceGroup'
    ? deploymentStacks.beginCreateOrUpdateAtResourceGroup(scope.resourceGroup, name, body, stackPolling)
    : deploymentStacks.beginCreateOrUpdateAtSubscription(name, body, stackPolling);
}

/** What a stack deletion does with what the stack manages. */
export interface StackDeleteOptions {
  actionOnUnmanage: StackSettings['actionOnUnmanage'];
  bypassStackOutOfSyncError: boolean;
}

/** Starts deleting the stack at its scope: a poller to wait on. */
export function startStackDelete(
  azure: OpenAzure,
  scope: DeployScope,
  name: string,
  options: StackDeleteOptions,
) {
  const { deploymentStacks } = azure.client(deploymentStacksClient);
  const query = {
    ...stackPolling,
    unmanageActionResources: options.actionOnUnmanage.resources,
    unmanageActionResourceGroups: options.actionOnUnmanage.resourceGroups,
    bypassStackOutOfSyncError: options.bypassStackOutOfSyncError,
  };
  return scope.level === 'resourceGroup'
    ? deploymentStacks.beginDeleteAtResourceGroup(scope.resourceGroup, name, query)
    : deploymentStacks.beginDeleteAtSubscription(name, query);
}
