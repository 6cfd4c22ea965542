targetScope = 'subscription'

param groupName string
param region string

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: groupName
  location: region
}

module vnet 'vnet.bicep' = {
  name: 'vnet-${groupName}'
  scope: group
  params: { name: 'vnet-${deployment().name}' }
}

output groupId string = group.id
output vnetId string = vnet.outputs.id
output where string = '${subscription().subscriptionId}/${deployment().location}'
