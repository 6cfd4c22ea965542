// Hub and spoke virtual networks (deliberately not peered: Private Link is the only path between
// them) and the NAT gateway that gives the hub's shared subnet outbound access, which an internal
// load balancer alone does not.

import { addressPlan, resourceTags } from '../types.bicep'

@description('Suffix of every resource name.')
param name string

@description('Azure region of the resources.')
param location string

@description('Address ranges of both networks.')
param addresses addressPlan

@description('Tags applied to every resource.')
param tags resourceTags

var containerGroupDelegation = [
  {
    name: 'container-groups'
    properties: {
      serviceName: 'Microsoft.ContainerInstance/containerGroups'
    }
  }
]

resource natPublicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-nat-${name}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAddressVersion: 'IPv4'
    publicIPAllocationMethod: 'Static'
    idleTimeoutInMinutes: 4
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: 'ng-${name}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      {
        id: natPublicIp.id
      }
    ]
  }
}

resource hub 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-hub-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addresses.hub]
    }
    subnets: [
      {
        name: 'shared'
        properties: {
          addressPrefix: addresses.hubShared
          natGateway: {
            id: natGateway.id
          }
          // The Private Link Service takes its NAT addresses from this subnet.
          privateLinkServiceNetworkPolicies: 'Disabled'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
      {
        name: 'jumpbox'
        properties: {
          addressPrefix: addresses.hubJumpbox
          delegations: containerGroupDelegation
        }
      }
    ]
  }
}

resource spoke 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-spoke-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addresses.spoke]
    }
    subnets: [
      {
        name: 'endpoints'
        properties: {
          addressPrefix: addresses.spokeEndpoints
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
      {
        name: 'jumpbox'
        properties: {
          addressPrefix: addresses.spokeJumpbox
          delegations: containerGroupDelegation
        }
      }
    ]
  }
}

@description('Resource id of the hub virtual network.')
output hubId string = hub.id

@description('Resource id of the spoke virtual network.')
output spokeId string = spoke.id

@description('Hub subnet of the load balancer, scale set and Private Link Service.')
output hubSharedSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', hub.name, 'shared')

@description('Hub subnet delegated to container groups.')
output hubJumpboxSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', hub.name, 'jumpbox')

@description('Spoke subnet of the private endpoint.')
output spokeEndpointsSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', spoke.name, 'endpoints')

@description('Spoke subnet delegated to container groups.')
output spokeJumpboxSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', spoke.name, 'jumpbox')

@description('Name of the NAT gateway of the hub shared subnet.')
output natGatewayName string = natGateway.name
