import type { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { armErrorCauses } from './errors.js';
import type { AzureErrorDetail } from './errors.js';

/** A deployment operation that failed, with the provider's error opened up. */
export interface FailedOperation {
  operationId?: string;
  resourceId?: string;
  resourceType?: string;
  resourceName?: string;
  /** The provider's HTTP status text, e.g. `BadRequest` or `Conflict`. */
  statusCode?: string;
  /** The root causes of the provider's error (nested details and JSON-in-string messages opened). */
  causes: AzureErrorDetail[];
}

/**
 * Lists a deployment's operations and returns the failed ones, in the order ARM lists them: a resource-group
 * deployment's, or a subscription-scope deployment's when `resourceGroup` is undefined. Used by the deploy action on
 * failure, so the user sees the resource at fault and not only `DeploymentFailed`.
 */
export async function failedDeploymentOperations(
  client: DeploymentsClient,
  resourceGroup: string | undefined,
  deploymentName: string,
): Promise<FailedOperation[]> {
  const failed: FailedOperation[] = [];
  const operations =
    resourceGroup === undefined
      ? client.deploymentOperations.listAtSubscriptionScope(deploymentName)
      : client.deploymentOperations.list(resourceGroup, deploymentName);
  for await (const operation of operations) {
    const properties = operation.properties;
    if (properties?.provisioningState?.toLowerCase() !== 'failed') continue;
    const target = properties.targetResource;
    const entry: FailedOperation = { causes: operationCauses(properties.statusMessage) };
    if (operation.operationId) entry.operationId = operation.operationId;
    if (target?.id) entry.resourceId = target.id;
    if (target?.resourceType) entry.resourceType = target.resourceType;
    if (target?.resourceName) entry.resourceName = target.resourceName;
    if (properties.statusCode) entry.statusCode = properties.statusCode;
    failed.push(entry);
  }
  return failed;
}

/** `statusMessage` is `{ status, error }` by the spec, but providers also put a bare error or a string there. */
function operationCauses(statusMessage: unknown): AzureErrorDetail[] {
  const causes = armErrorCauses(statusMessage);
  if (causes.length > 0) return causes;
  if (typeof statusMessage === 'string' && statusMessage.trim() !== '')
    return [{ message: statusMessage.trim() }];
  return [];
}
