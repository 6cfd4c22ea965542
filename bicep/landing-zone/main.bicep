// A landing zone at subscription scope: the resource group of an environment and its hub network, deployed into
// the group as a module. Deploy it as a deployment stack to manage both as one unit (and lock them with deny
// settings), or as a plain subscription deployment.
targetScope = 'subscription'

@description('The environment: names the resource group (rg-<name>) and the network (vnet-<name>).')
@minLength(1)
@maxLength(60)
param name string

@description('Region of the resource group and its network; by default the deployment\'s.')
param location string = deployment().location

@description('Address space of the hub network.')
param addressPrefix string = '10.100.0.0/16'

@description('Tags of the resource group and the network, such as environment and owner.')
param tags { *: string }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${name}'
  location: location
  tags: tags
}

module hub 'modules/hub-network.bicep' = {
  name: 'hub-network'
  scope: group
  params: {
    name: 'vnet-${name}'
    location: location
    addressPrefix: addressPrefix
    tags: tags
  }
}

output resourceGroupName string = group.name
output vnetId string = hub.outputs.vnetId
