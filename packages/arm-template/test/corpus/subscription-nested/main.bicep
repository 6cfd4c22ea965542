// Subscription scope inside subscription scope: a module deployed at another subscription (its own location and
// resource group), a module at this subscription that creates a group and deploys into it, and resourceId() at
// subscription scope, which ARM reads as subscriptionResourceId().
targetScope = 'subscription'

param otherSubscription string = '00000000-0000-0000-0000-0000000000b2'

module elsewhere 'group.bicep' = {
  name: 'elsewhere'
  scope: subscription(otherSubscription)
  params: { groupName: 'rg-elsewhere', region: 'swedencentral' }
}

module here 'group.bicep' = {
  name: 'here'
  params: { groupName: 'rg-here', region: deployment().location }
}

output roleId string = resourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
output elsewhereGroup string = elsewhere.outputs.groupId
output hereVnet string = here.outputs.vnetId
