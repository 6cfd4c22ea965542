// A subscription-scope deployment: resource groups created in a loop, a module deployed into each of them, a module
// into an existing group, subscription-level resources (a policy assignment, a budget-free tag set, a lock on a
// group), and the subscription()/deployment() functions; outputs read the groups and the modules.
targetScope = 'subscription'

param environments array = ['dev', 'prod']
param location string = deployment().location
param owner string = 'platform'
@secure()
param adminToken string

resource groups 'Microsoft.Resources/resourceGroups@2024-03-01' = [for env in environments: {
  name: 'rg-app-${env}'
  location: location
  tags: { env: env, owner: owner, subscription: subscription().subscriptionId }
}]

module networks 'network.bicep' = [for (env, i) in environments: {
  name: 'network-${env}'
  scope: resourceGroup('rg-app-${env}')
  params: {
    prefix: cidrSubnet('10.50.0.0/16', 20, i)
    env: env
    token: adminToken
  }
  dependsOn: [groups]
}]

resource shared 'Microsoft.Resources/resourceGroups@2024-03-01' existing = {
  name: 'rg-shared'
}

module sharedDns 'dns.bicep' = {
  name: 'shared-dns'
  scope: shared
  params: { vnetIds: [networks[0].outputs.vnetId, networks[1].outputs.vnetId] }
}

resource allowedLocations 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'allowed-locations'
  properties: {
    displayName: 'Allowed locations for ${subscription().subscriptionId}'
    policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', 'e56962a6-4747-49cd-b67b-bf8b01975c4c')
    parameters: { listOfAllowedLocations: { value: [location] } }
  }
}

resource subscriptionTags 'Microsoft.Resources/tags@2024-03-01' = {
  name: 'default'
  properties: { tags: { owner: owner, deployedBy: deployment().name } }
}

output groupIds array = [for (env, i) in environments: groups[i].id]
output vnetIds array = [for (env, i) in environments: networks[i].outputs.vnetId]
output zoneId string = sharedDns.outputs.zoneId
output deploymentLocation string = deployment().location
output subscriptionId string = subscription().subscriptionId
output policyId string = allowedLocations.id
output groupLocation string = groups[0].location
