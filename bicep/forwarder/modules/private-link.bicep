// Private Link from the spoke to the forwarder's load balancer: a Private Link Service on the
// frontend (hub), a private endpoint (spoke), and a private DNS zone linked to the spoke whose
// A record points at the endpoint.

import { resourceTags } from '../types.bicep'

@description('Suffix of every resource name.')
param name string

@description('Azure region of the resources.')
param location string

@description('Resource id of the load balancer frontend the service exposes.')
param frontendIpConfigurationId string

@description('Hub subnet the Private Link Service takes its NAT addresses from.')
param serviceSubnetId string

@description('Spoke subnet of the private endpoint.')
param endpointSubnetId string

@description('Resource id of the spoke virtual network, linked to the zone.')
param spokeVnetId string

@description('Subscriptions that may see the service.')
param visibleToSubscriptions string[]

@description('Subscriptions whose endpoints are approved without review.')
param autoApprovedSubscriptions string[]

@description('Private DNS zone of the endpoint record.')
param dnsZoneName string

@description('Relative name of the A record that resolves to the endpoint.')
param recordName string

@description('Time to live of the A record, in seconds.')
@minValue(1)
param recordTtl int

@description('Tags applied to every resource.')
param tags resourceTags

var endpointInterfaceName = 'nic-pe-${name}'

resource linkService 'Microsoft.Network/privateLinkServices@2024-05-01' = {
  name: 'pls-${name}'
  location: location
  tags: tags
  properties: {
    loadBalancerFrontendIpConfigurations: [
      {
        id: frontendIpConfigurationId
      }
    ]
    ipConfigurations: [
      {
        name: 'nat'
        properties: {
          primary: true
          privateIPAllocationMethod: 'Dynamic'
          subnet: {
            id: serviceSubnetId
          }
        }
      }
    ]
    visibility: {
      subscriptions: visibleToSubscriptions
    }
    autoApproval: {
      subscriptions: autoApprovedSubscriptions
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: endpointSubnetId
    }
    // A name chosen here, so the address lookup below can read the interface by name.
    customNetworkInterfaceName: endpointInterfaceName
    privateLinkServiceConnections: [
      {
        name: 'forwarder'
        properties: {
          privateLinkServiceId: linkService.id
        }
      }
    ]
  }
}

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: dnsZoneName
  location: 'global'
  tags: tags
}

resource spokeLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: 'link-spoke-${name}'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: spokeVnetId
    }
  }
}

module endpointAddress 'endpoint-address.bicep' = {
  name: 'endpoint-address-${name}'
  params: {
    networkInterfaceName: endpointInterfaceName
  }
  // The interface exists only once the endpoint does; its name alone does not order the two.
  dependsOn: [endpoint]
}

resource record 'Microsoft.Network/privateDnsZones/A@2024-06-01' = {
  parent: zone
  name: recordName
  properties: {
    // Record sets take no tags; their metadata carries the same keys so sweepers find them too.
    metadata: tags
    ttl: recordTtl
    aRecords: [
      {
        ipv4Address: endpointAddress.outputs.privateIp
      }
    ]
  }
}

@description('Alias consumers use to request a private endpoint to the service.')
output linkServiceAlias string = linkService.properties.alias

@description('Resource id of the Private Link Service.')
output linkServiceId string = linkService.id

@description('Resource id of the private endpoint.')
output endpointId string = endpoint.id

@description('Private address of the private endpoint.')
output endpointIp string = endpointAddress.outputs.privateIp

@description('Name of the private DNS zone.')
output zoneName string = zone.name

@description('Resource id of the private DNS zone.')
output zoneId string = zone.id

@description('Fully qualified name that resolves to the endpoint from the spoke.')
output recordFqdn string = '${record.name}.${zone.name}'
