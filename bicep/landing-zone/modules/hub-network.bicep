// The landing zone's hub network: one address space, a subnet for shared services.
@description('Name of the virtual network.')
param name string

@description('Address space; the shared-services subnet takes its first /24.')
param addressPrefix string

@description('Tags of the network.')
param tags { *: string }

@description('Region; by default the resource group\'s.')
param location string = resourceGroup().location

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'shared-services'
        properties: { addressPrefix: cidrSubnet(addressPrefix, 24, 0) }
      }
    ]
  }
}

output vnetId string = vnet.id
