// One layer's network: a virtual network with a proxy subnet and a jump box subnet, the layer's network security
// group on both, and for the top layer a NAT gateway, its only way out to the internet. The VNet's DNS servers are
// the next layer's DNS (the seed's host-system path), so instances of a lower layer resolve through the layer above.

import { layerAddresses } from '../types.bicep'
import { resourceTags } from '../../forwarder/types.bicep'

@description('Suffix of every resource name.')
param name string

@description('The layer\'s name, such as L2; part of the resource names.')
@minLength(2)
@maxLength(8)
param layerName string

@description('Azure region of the resources.')
param location string

@description('The layer\'s address ranges.')
param addresses layerAddresses

@description('Address spaces allowed to reach the layer\'s proxy and DNS (443 and 53): the layer\'s own and the layer below\'s.')
@minLength(1)
param clientSpaces string[]

@description('True for the top layer: a NAT gateway on both subnets and outbound Internet allowed; false denies it.')
param internetEgress bool

@description('DNS servers of the VNet (dhcpOptions): the layer above\'s DNS frontend; empty for Azure DNS.')
param dnsServers string[]

@description('Tags applied to every resource.')
param tags resourceTags

var lowerName = toLower(layerName)

// The health probe's source and the layer's clients may reach the proxy; nothing else may reach anything.
var inboundRules = [
  {
    name: 'allow-load-balancer-probes'
    properties: {
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: '*'
      sourceAddressPrefix: 'AzureLoadBalancer'
      sourcePortRange: '*'
      destinationAddressPrefix: addresses.proxySubnet
      destinationPortRange: '*'
    }
  }
  {
    name: 'allow-clients-tls'
    properties: {
      priority: 110
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefixes: clientSpaces
      sourcePortRange: '*'
      destinationAddressPrefix: addresses.proxySubnet
      destinationPortRange: '443'
    }
  }
  {
    name: 'allow-clients-dns'
    properties: {
      priority: 120
      direction: 'Inbound'
      access: 'Allow'
      protocol: '*'
      sourceAddressPrefixes: clientSpaces
      sourcePortRange: '*'
      destinationAddressPrefix: addresses.proxySubnet
      destinationPortRange: '53'
    }
  }
  {
    name: 'deny-everything-else-inbound'
    properties: {
      priority: 4096
      direction: 'Inbound'
      access: 'Deny'
      protocol: '*'
      sourceAddressPrefix: '*'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: '*'
    }
  }
]

// The seed's egress: VirtualNetwork (this VNet and its peers) allowed; Internet denied below L4, allowed on L4.
var outboundRules = [
  {
    name: 'allow-virtual-network-outbound'
    properties: {
      priority: 100
      direction: 'Outbound'
      access: 'Allow'
      protocol: '*'
      sourceAddressPrefix: '*'
      sourcePortRange: '*'
      destinationAddressPrefix: 'VirtualNetwork'
      destinationPortRange: '*'
    }
  }
  {
    name: internetEgress ? 'allow-internet-outbound' : 'deny-internet-outbound'
    properties: {
      priority: 4000
      direction: 'Outbound'
      access: internetEgress ? 'Allow' : 'Deny'
      protocol: '*'
      sourceAddressPrefix: '*'
      sourcePortRange: '*'
      destinationAddressPrefix: 'Internet'
      destinationPortRange: '*'
    }
  }
]

resource securityGroup 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${lowerName}-${name}'
  location: location
  tags: tags
  properties: {
    securityRules: concat(inboundRules, outboundRules)
  }
}

resource natPublicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = if (internetEgress) {
  name: 'pip-nat-${lowerName}-${name}'
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

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = if (internetEgress) {
  name: 'ng-${lowerName}-${name}'
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

var natGatewayReference = internetEgress ? { natGateway: { id: natGateway.id } } : {}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${lowerName}-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addresses.space]
    }
    dhcpOptions: {
      dnsServers: dnsServers
    }
    subnets: [
      {
        name: 'proxy'
        properties: {
          addressPrefix: addresses.proxySubnet
          networkSecurityGroup: {
            id: securityGroup.id
          }
          ...natGatewayReference
        }
      }
      {
        name: 'jumpbox'
        properties: {
          addressPrefix: addresses.jumpboxSubnet
          networkSecurityGroup: {
            id: securityGroup.id
          }
          delegations: [
            {
              name: 'container-groups'
              properties: {
                serviceName: 'Microsoft.ContainerInstance/containerGroups'
              }
            }
          ]
          ...natGatewayReference
        }
      }
    ]
  }
}

@description('Resource id of the layer\'s virtual network.')
output vnetId string = vnet.id

@description('Name of the layer\'s virtual network.')
output vnetName string = vnet.name

@description('Subnet of the proxy scale set and its load balancer.')
output proxySubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'proxy')

@description('Subnet delegated to container groups.')
output jumpboxSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'jumpbox')

@description('Name of the layer\'s network security group.')
output securityGroupName string = securityGroup.name
