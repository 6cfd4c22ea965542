param vnetName string
param subnets array
param tags object

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: vnetName
  location: resourceGroup().location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: ['10.1.0.0/16'] }
    subnets: [for s in subnets: {
      name: s.name
      properties: { addressPrefix: s.prefix }
    }]
  }
}

output vnetName string = vnet.name
output vnetId string = vnet.id
output subnetIds array = [for s in subnets: resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, s.name)]
