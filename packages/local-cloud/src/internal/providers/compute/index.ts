import type { CloudPlugin } from '../../cloud-plugin.js';
import { computeApiVersions, routeCompute } from './compute-router.js';

/**
 * Microsoft.Compute: virtual machine scale sets with their instances and NICs (addresses in the model's subnets),
 * with Compute's `Azure-AsyncOperation` protocol. `customData` is kept in the store for the fabric, never answered.
 */
export const computePlugin: CloudPlugin = {
  name: 'compute',
  arm: {
    namespace: 'Microsoft.Compute',
    resourceTypes: ['virtualMachineScaleSets', 'virtualMachineScaleSets/virtualMachines'],
    apiVersions: computeApiVersions,
    defaultApiVersion: '2024-07-01',
    route: routeCompute,
  },
};
