import type { CloudPlugin } from '../../cloud-plugin.js';
import { networkApiVersions } from './network-api-versions.js';
import { forgetReferencesInto } from './network-back-references.js';
import { routeNetwork } from './network-router.js';

/**
 * Microsoft.Network: virtual networks, subnets and peerings, NICs, NSGs, public IPs, NAT gateways, load balancers,
 * Private Link Services and private endpoints, with the provider's `Azure-AsyncOperation` protocol. Its other types
 * fall through to the generic store.
 */
export const networkPlugin: CloudPlugin = {
  name: 'network',
  arm: {
    namespace: 'Microsoft.Network',
    resourceTypes: [
      'virtualNetworks',
      'virtualNetworks/subnets',
      'virtualNetworks/virtualNetworkPeerings',
      'networkInterfaces',
      'networkSecurityGroups',
      'loadBalancers',
      'natGateways',
      'publicIPAddresses',
      'privateEndpoints',
      'privateLinkServices',
    ],
    apiVersions: networkApiVersions,
    defaultApiVersion: '2024-05-01',
    route: routeNetwork,
    hooks: { resourceGroupDeleted: forgetReferencesInto },
  },
};
