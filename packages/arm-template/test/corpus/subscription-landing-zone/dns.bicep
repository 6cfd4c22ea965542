param vnetIds array

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'privatelink.example.internal'
  location: 'global'
}

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (id, i) in vnetIds: {
  parent: zone
  name: 'link-${i}'
  location: 'global'
  properties: { virtualNetwork: { id: id }, registrationEnabled: false }
}]

output zoneId string = zone.id
