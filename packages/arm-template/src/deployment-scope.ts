import type { DeploymentContext } from './context.js';
import { ArmTemplateError } from './errors.js';
import { resourceGroupId } from './resource-id.js';
import type { ArmTemplate } from './template.js';

/** Where ARM deploys a resource or a nested deployment: a resource group, or the subscription itself. */
export interface DeploymentScope {
  subscriptionId: string;
  /** The resource group; absent at subscription scope. */
  resourceGroup?: string;
}

/** The id of the scope: `/subscriptions/{id}/resourceGroups/{name}`, or `/subscriptions/{id}`. */
export function scopeId(scope: DeploymentScope): string {
  return scope.resourceGroup === undefined
    ? `/subscriptions/${scope.subscriptionId}`
    : resourceGroupId(scope.subscriptionId, scope.resourceGroup);
}

const SCHEMA_SCOPES: [RegExp, string][] = [
  [/subscriptionDeploymentTemplate\.json/i, 'subscription'],
  [/managementGroupDeploymentTemplate\.json/i, 'management group'],
  [/tenantDeploymentTemplate\.json/i, 'tenant'],
  [/\/deploymentTemplate\.json/i, 'resource group'],
];

/**
 * Bicep writes a template's target scope into its `$schema`, and ARM deploys a template only at the scope it is
 * written for. The engine expands deployments at resource group and subscription scope: the context says which
 * (a resource group, or none), and a template without `$schema` follows the context.
 */
export function checkDeploymentScope(template: ArmTemplate, context: DeploymentContext): void {
  const schema = template.$schema ?? '';
  const written = SCHEMA_SCOPES.find(([pattern]) => pattern.test(schema))?.[1];
  const fail = (message: string) => {
    throw new ArmTemplateError('InvalidTemplate', message, '$schema');
  };
  if (written === 'management group' || written === 'tenant')
    fail(
      `The template's $schema '${schema}' is for a deployment at ${written} scope, and this engine expands deployments at resource group and subscription scope only; deploy a resource group or subscription template (Bicep: targetScope = 'resourceGroup' or 'subscription').`,
    );
  if (written === 'subscription' && context.resourceGroup !== undefined)
    fail(
      `The template's $schema '${schema}' is for a deployment at subscription scope, but a resource group ('${context.resourceGroup}') was given; deploy it at subscription scope, without a resource group.`,
    );
  if (written === 'resource group' && context.resourceGroup === undefined)
    fail(
      `The template's $schema '${schema}' is for a deployment at resource group scope, but no resource group was given; name the resource group to deploy it to.`,
    );
}
