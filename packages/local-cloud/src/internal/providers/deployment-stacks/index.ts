import type { CloudPlugin } from '../../cloud-plugin.js';
import { authorizeAgainstStacks } from './deny-assignments.js';
import { stacksOf } from './stack-record.js';
import { stackSnapshot } from './stack-snapshot.js';
import { routeStacks, stacksApiVersions } from './stacks-router.js';

/**
 * ARM's deployment stacks (`Microsoft.Resources/deploymentStacks`) at resource-group and subscription scope: a stack
 * runs its template as a deployment, manages what it creates, detaches or deletes what a new version no longer has,
 * and keeps deny assignments on what it manages, which ARM's authorization asks through the `authorize` hook.
 */
export const deploymentStacksPlugin: CloudPlugin = {
  name: 'deployment-stacks',
  arm: {
    namespace: 'Microsoft.Resources',
    resourceTypes: ['deploymentStacks'],
    apiVersions: stacksApiVersions,
    defaultApiVersion: '2024-03-01',
    route: routeStacks,
    hooks: {
      authorize: authorizeAgainstStacks,
      resourceGroupDeleted: (context, groupId) => {
        const stacks = stacksOf(context.store);
        for (const key of [...stacks.keys()])
          if (key.startsWith(`${groupId.toLowerCase()}/`)) stacks.delete(key);
      },
    },
  },
  adminState: (context) => [...stacksOf(context.store).values()],
  snapshot: stackSnapshot,
};
