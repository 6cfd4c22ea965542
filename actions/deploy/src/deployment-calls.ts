import type { OpenAzure } from '@azpn/azure';
import type { DeployConfig, DeployScope } from './config.js';
import type { PreparedTemplate } from './template-source.js';
import { deploymentsClient } from '@azpn/azure/clients/deployments';

/** The deployment request: the template and parameters, Incremental; with the location at subscription scope. */
export function deploymentBody(config: Pick<DeployConfig, 'scope' | 'location'>, prepared: PreparedTemplate) {
  return {
    // ARM requires a location at subscription scope and refuses one at resource-group scope.
    ...(config.scope.level === 'subscription' ? { location: config.location! } : {}),
    properties: {
      template: prepared.template,
      parameters: prepared.parameters,
      mode: 'Incremental' as const,
    },
  };
}

type Body = ReturnType<typeof deploymentBody>;

/** Where a deployment goes, as a sentence reads it: `rg-app`, or `subscription 1d2e…`. */
export function scopeLabel(scope: DeployScope, subscriptionId: string): string {
  return scope.level === 'resourceGroup' ? scope.resourceGroup : `subscription ${subscriptionId}`;
}

/** ARM's validation of the deployment at its scope. */
export function validateDeployment(azure: OpenAzure, config: DeployConfig, body: Body) {
  const { deployments } = azure.client(deploymentsClient);
  return config.scope.level === 'resourceGroup'
    ? deployments.validate(config.scope.resourceGroup, config.deploymentName, body)
    : deployments.validateAtSubscriptionScope(config.deploymentName, { ...body, location: body.location! });
}

/** ARM's what-if of the deployment at its scope (a long-running operation). */
export function whatIfDeployment(
  azure: OpenAzure,
  config: Pick<DeployConfig, 'scope' | 'deploymentName'>,
  body: Body,
) {
  const { deployments } = azure.client(deploymentsClient);
  return config.scope.level === 'resourceGroup'
    ? deployments.whatIf(config.scope.resourceGroup, config.deploymentName, body)
    : deployments.whatIfAtSubscriptionScope(config.deploymentName, { ...body, location: body.location! });
}

/** Creates or updates the deployment at its scope (a long-running operation). */
export function createDeployment(azure: OpenAzure, config: DeployConfig, body: Body) {
  const { deployments } = azure.client(deploymentsClient);
  return config.scope.level === 'resourceGroup'
    ? deployments.createOrUpdate(config.scope.resourceGroup, config.deploymentName, body)
    : deployments.createOrUpdateAtSubscriptionScope(config.deploymentName, {
        ...body,
        location: body.location!,
      });
}

/** The deployment as ARM reports it, or undefined when it cannot be read. */
export function readDeployment(azure: OpenAzure, resourceGroup: string | undefined, name: string) {
  const { deployments } = azure.client(deploymentsClient);
  const read =
    resourceGroup === undefined
      ? deployments.getAtSubscriptionScope(name)
      : deployments.get(resourceGroup, name);
  return read.catch(() => undefined);
}
