param prefix string
param env string
@secure()
param token string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${env}'
  location: resourceGroup().location
  tags: { group: resourceGroup().name, token: token }
  properties: {
    addressSpace: { addressPrefixes: [prefix] }
    subnets: [{ name: 'workload', properties: { addressPrefix: cidrSubnet(prefix, 24, 0) } }]
  }
}

output vnetId string = vnet.id
