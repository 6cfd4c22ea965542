import type { CloudPlugin } from '../../cloud-plugin.js';
import { privateDnsApiVersions, recordTypes, routePrivateDns } from './private-dns-router.js';

/**
 * Microsoft.Network/privateDnsZones: zones, virtual network links and record sets, with the DNS service's own
 * long-running protocol (202, `privateDnsOperationStatuses`) and etag preconditions.
 */
export const privateDnsPlugin: CloudPlugin = {
  name: 'private-dns',
  arm: {
    namespace: 'Microsoft.Network',
    resourceTypes: [
      'privateDnsZones',
      'privateDnsZones/virtualNetworkLinks',
      ...recordTypes.map((t) => `privateDnsZones/${t}`),
    ],
    apiVersions: privateDnsApiVersions,
    defaultApiVersion: '2024-06-01',
    route: routePrivateDns,
  },
};
