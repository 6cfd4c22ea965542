// reference() to a resource of the same deployment, as bicep snapshot predicts it: the properties the template
// declares are known (also through a full reference), what only the service fills in (provisioningState) and the
// rest of a full reference (location) stay runtime; environment() and the resource group's tags are the cloud's,
// known at deployment only.
param prefix string = '10.40.0.0/16'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-ref'
  location: resourceGroup().location
  properties: {
    addressSpace: { addressPrefixes: [prefix] }
    subnets: [{ name: 'default', properties: { addressPrefix: cidrSubnet(prefix, 24, 0) } }]
  }
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-ref'
  location: resourceGroup().location
  tags: resourceGroup().tags
  properties: {
    securityRules: [
      {
        name: 'from-vnet'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          description: 'state ${vnet.properties.provisioningState}'
          sourceAddressPrefix: vnet.properties.addressSpace.addressPrefixes[0]
          sourcePortRange: '*'
          destinationAddressPrefix: vnet.properties.subnets[0].properties.addressPrefix
          destinationPortRange: '443'
        }
      }
    ]
  }
}

output subnetName string = vnet.properties.subnets[0].name
output vnetLocation string = vnet.location
output state string = vnet.properties.provisioningState
output storageSuffix string = environment().suffixes.storage
output prefixes array = vnet.properties.addressSpace.addressPrefixes
