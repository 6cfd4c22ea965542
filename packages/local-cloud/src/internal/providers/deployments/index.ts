import type { CloudPlugin } from '../../cloud-plugin.js';
import { resourcesApiVersions } from '../../arm/api-versions.js';
import { deploymentsOf } from './deployment-record.js';
import { deploymentSnapshot } from './deployment-snapshot.js';
import { routeDeployments } from './deployments-router.js';

/**
 * ARM's deployments service at resource-group scope: deployments run with `@azpn/arm-template` through the other
 * providers, validate, what-if, cancel, operations and exported templates; kept outside the resource store (and in
 * the snapshot file), dropped with their resource group.
 */
export const deploymentsPlugin: CloudPlugin = {
  name: 'deployments',
  arm: {
    namespace: 'Microsoft.Resources',
    resourceTypes: ['deployments', 'deployments/operations'],
    apiVersions: resourcesApiVersions,
    defaultApiVersion: '2024-03-01',
    locationless: true,
    route: routeDeployments,
    hooks: {
      resourceGroupDeleted: (context, groupId) => {
        const deployments = deploymentsOf(context.store);
        for (const id of [...deployments.keys()])
          if (id.startsWith(groupId.toLowerCase() + '/')) deployments.delete(id);
      },
    },
  },
  snapshot: deploymentSnapshot,
};
