// Peers two layers' virtual networks, both ways (a peering connects only once both sides declare it). Peering is
// not transitive: peering L2 with L3 and L3 with L4 leaves L2 without any route to L4.

@description('Name of the lower layer\'s virtual network, in this resource group.')
param lowerVnetName string

@description('Name of the upper layer\'s virtual network, in this resource group.')
param upperVnetName string

resource lower 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: lowerVnetName
}

resource upper 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: upperVnetName
}

resource lowerToUpper 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: lower
  name: 'to-${upperVnetName}'
  properties: {
    remoteVirtualNetwork: {
      id: upper.id
    }
    allowVirtualNetworkAccess: true
    // Neither side routes traffic it did not originate: each layer talks only to its neighbour.
    allowForwardedTraffic: false
    allowGatewayTransit: false
    useRemoteGateways: false
  }
}

resource upperToLower 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: upper
  name: 'to-${lowerVnetName}'
  properties: {
    remoteVirtualNetwork: {
      id: lower.id
    }
    allowVirtualNetworkAccess: true
    allowForwardedTraffic: false
    allowGatewayTransit: false
    useRemoteGateways: false
  }
}

@description('Resource id of the lower-to-upper peering.')
output lowerToUpperId string = lowerToUpper.id

@description('Resource id of the upper-to-lower peering.')
output upperToLowerId string = upperToLower.id
