param name string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: resourceGroup().location
  properties: { addressSpace: { addressPrefixes: ['10.60.0.0/16'] } }
}

output id string = vnet.id
