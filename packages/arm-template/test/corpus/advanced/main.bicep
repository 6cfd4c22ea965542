// Module loops and conditional modules, an existing resource in another resource group, nullable and secure
// parameters, object iteration with items(), and the deployment and environment objects.
param spokes object = {
  web: { prefix: '10.30.0.0/24', public: true }
  data: { prefix: '10.30.1.0/24', public: false }
}
param withMonitoring bool = false
param owner string?
@secure()
param settings object = { apiKey: 'placeholder' }

var spokeList = items(spokes)
var publicCount = length(filter(spokeList, s => s.value.public))

resource sharedVnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'shared-vnet'
  scope: resourceGroup('rg-shared')
}

module spokeNets 'spoke.bicep' = [for (s, i) in spokeList: {
  name: 'spoke-${s.key}'
  params: {
    name: s.key
    prefix: s.value.prefix
    index: i
    remoteId: sharedVnet.id
  }
}]

module monitoring 'spoke.bicep' = if (withMonitoring) {
  name: 'monitoring'
  params: { name: 'mon', prefix: '10.30.9.0/24', index: 9, remoteId: sharedVnet.id }
}

@description('The route table the spokes share.')
resource table 'Microsoft.Network/routeTables@2023-04-01' = {
  name: 'rt-${owner ?? 'nobody'}'
  location: resourceGroup().location
  properties: {
    routes: [for (s, i) in spokeList: {
      name: 'to-${s.key}'
      properties: { addressPrefix: s.value.prefix, nextHopType: 'VnetLocal' }
    }]
    disableBgpRoutePropagation: publicCount > 1
  }
  dependsOn: [spokeNets]
}

output spokeIds array = [for (s, i) in spokeList: spokeNets[i].outputs.id]
output firstPeerName string = spokeNets[0].outputs.peerName
output env object = environment()
output deploymentName string = deployment().name
output hasKey bool = contains(settings, 'apiKey')
output sharedId string = sharedVnet.id
output publicCount int = publicCount
output tenantScoped string = tenantResourceId('Microsoft.Management/managementGroups', 'mg1')
output managementGroupScoped string = managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions', 'allowed-locations')
output tenantId string = tenant().tenantId
