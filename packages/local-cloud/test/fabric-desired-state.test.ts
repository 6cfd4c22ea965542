import { describe, expect, it } from '@jest/globals';
import { ResourceStore, type ResourceRecord } from '../src/internal/arm/resource-store.js';
import { FabricNames } from '../src/fabric/fabric-names.js';
import { InstanceAddresses, readDesiredFabric } from '../src/fabric/desired-state.js';

/**
 * How the fabric reads the store: VNets that are not peered may share an address space (two environments of the
 * same template in two resource groups), so a load balancer belongs to the VNet of its frontend's subnet, not to
 * whichever VNet's range holds its address.
 */
const group = (rg: string) =>
  `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${rg}/providers`;

function vnetAndBalancer(rg: string): ResourceRecord[] {
  const vnetId = `${group(rg)}/Microsoft.Network/virtualNetworks/vnet-l4`;
  const balancerId = `${group(rg)}/Microsoft.Network/loadBalancers/lbi-l4`;
  return [
    {
      id: vnetId,
      name: 'vnet-l4',
      type: 'Microsoft.Network/virtualNetworks',
      location: 'westeurope',
      properties: {
        addressSpace: { addressPrefixes: ['10.40.0.0/24'] },
        subnets: [
          { id: `${vnetId}/subnets/proxy`, name: 'proxy', properties: { addressPrefix: '10.40.0.0/26' } },
        ],
      },
    },
    {
      id: balancerId,
      name: 'lbi-l4',
      type: 'Microsoft.Network/loadBalancers',
      location: 'westeurope',
      properties: {
        frontendIPConfigurations: [
          {
            id: `${balancerId}/frontendIPConfigurations/frontend`,
            name: 'frontend',
            properties: { privateIPAddress: '10.40.0.10', subnet: { id: `${vnetId}/subnets/proxy` } },
          },
        ],
        loadBalancingRules: [
          {
            id: `${balancerId}/loadBalancingRules/tls`,
            name: 'tls',
            properties: {
              frontendIPConfiguration: { id: `${balancerId}/frontendIPConfigurations/frontend` },
              backendAddressPool: { id: `${balancerId}/backendAddressPools/proxies` },
              protocol: 'Tcp',
              frontendPort: 443,
              backendPort: 443,
            },
          },
        ],
      },
    },
  ];
}

describe('the desired state of the fabric', () => {
  it("gives each load balancer to its frontend's VNet when two VNets share an address space", () => {
    const store = new ResourceStore();
    for (const record of [...vnetAndBalancer('rg-a'), ...vnetAndBalancer('rg-b')])
      store.resources.set(record.id.toLowerCase(), record);
    const desired = readDesiredFabric(store, new FabricNames('abcdef'), new InstanceAddresses());
    const vnetOf = (rg: string) => `${group(rg)}/Microsoft.Network/virtualNetworks/vnet-l4`.toLowerCase();
    expect(desired.balancing.get(vnetOf('rg-a'))?.map((r) => r.frontendIp)).toEqual(['10.40.0.10']);
    expect(desired.balancing.get(vnetOf('rg-b'))?.map((r) => r.frontendIp)).toEqual(['10.40.0.10']);
  });
});
