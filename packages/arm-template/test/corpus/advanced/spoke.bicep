param name string
param prefix string
param index int
param remoteId string

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'vnet-${name}'
  location: resourceGroup().location
  tags: { index: string(index), remote: last(split(remoteId, '/')) }
  properties: {
    addressSpace: { addressPrefixes: [prefix] }
  }
}

resource peering 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-04-01' = {
  parent: vnet
  name: 'to-shared'
  properties: {
    remoteVirtualNetwork: { id: remoteId }
    allowVirtualNetworkAccess: true
  }
}

output id string = vnet.id
output peerName string = peering.name
