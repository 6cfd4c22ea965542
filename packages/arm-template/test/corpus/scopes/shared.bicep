param zoneName string
param vaultId string

resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: zoneName
  location: 'global'
  tags: { vault: last(split(vaultId, '/')), group: resourceGroup().name }
}

output zoneId string = zone.id
