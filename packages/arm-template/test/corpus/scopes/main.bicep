// Scopes: an extension resource (role assignment) on a resource, a lock, a module in another resource group,
// subscription(), tenant() and deployment() values, and a user-assigned identity.
param principalId string = '11111111-2222-3333-4444-555555555555'
param otherGroup string = 'rg-shared'

var roleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${uniqueString(subscription().subscriptionId, resourceGroup().name)}'
  location: resourceGroup().location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv${take(uniqueString(resourceGroup().id), 10)}'
  location: resourceGroup().location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleId)
  scope: vault
  properties: {
    roleDefinitionId: roleId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'no-delete'
  scope: vault
  properties: { level: 'CanNotDelete', notes: 'Deployment ${deployment().name}' }
}

module shared 'shared.bicep' = {
  name: 'shared-dns'
  scope: resourceGroup(otherGroup)
  params: {
    zoneName: 'privatelink.vaultcore.azure.net'
    vaultId: vault.id
  }
}

output identityId string = identity.id
output principal string = identity.properties.principalId
output sharedZone string = shared.outputs.zoneId
output roleAssignmentName string = reader.name
output env string = environment().name
output otherGroupId string = subscriptionResourceId('Microsoft.Resources/resourceGroups', otherGroup)
