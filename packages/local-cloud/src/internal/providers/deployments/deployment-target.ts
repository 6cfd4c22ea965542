import type { ArmContext } from '../../arm/arm-provider.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import type { ProviderError } from './provider-call.js';
import type { DeploymentRequest, DeploymentTarget } from './deployment-plan.js';

/** Where a deployment request points: its subscription, its resource group (none at subscription scope), its name. */
export interface DeploymentPlace {
  subscriptionId: string;
  resourceGroup?: string;
  name: string;
  tenantId: string;
}

/**
 * Where the deployment runs, as ARM decides it from the scope and the request: at resource-group scope in the
 * group's location; at subscription scope in the location the request must carry (ARM's `InvalidDeployment` when it
 * does not), one the cloud serves, and in Incremental mode only.
 */
export function deploymentTarget(
  context: ArmContext,
  place: DeploymentPlace,
  request: DeploymentRequest,
): DeploymentTarget | ProviderError {
  const { subscriptionId, resourceGroup, name, tenantId } = place;
  if (resourceGroup !== undefined) {
    const groupId = `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}`;
    const group = context.store.resourceGroups.get(groupId)!;
    return { subscriptionId, resourceGroup: group.name, name, tenantId, location: group.location };
  }
  if (request.location === undefined || request.location === '') {
    return {
      code: 'InvalidDeployment',
      message: `The 'location' property must be specified for '${name}'. Please see https://aka.ms/arm-deployment-subscription for usage details.`,
    };
  }
  const location = normaliseLocation(request.location);
  if (!context.scenario.locations.includes(location)) {
    return {
      code: 'LocationNotAvailableForDeployment',
      message: `The provided location '${request.location}' is not available for deployment. List of available regions is '${context.scenario.locations.join(',')}'.`,
    };
  }
  if (request.mode === 'Complete') {
    return {
      code: 'InvalidDeploymentMode',
      message: `The deployment '${name}' is at subscription scope, where the local cloud deploys in 'Incremental' mode only; send mode 'Incremental'.`,
    };
  }
  return { subscriptionId, name, tenantId, location };
}
