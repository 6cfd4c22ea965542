// Modules with inner scope, module outputs feeding other resources, a conditional resource and lambdas.
param prefix string = 'app'
param enableDiag bool = false
param subnets array = [
  { name: 'front', prefix: '10.1.0.0/24' }
  { name: 'back', prefix: '10.1.1.0/24' }
]

var tags = { env: 'test', owner: toUpper(prefix) }
var names = map(subnets, s => s.name)
var total = reduce(map(subnets, s => int(split(s.prefix, '/')[1])), 0, (acc, x) => acc + x)

module net 'network.bicep' = {
  name: '${prefix}-net'
  params: {
    vnetName: '${prefix}-vnet'
    subnets: subnets
    tags: tags
  }
}

// A looped module parameter: Bicep writes it as a property copy inside the parameter's entry.
module looped 'network.bicep' = {
  name: '${prefix}-looped'
  params: {
    vnetName: '${prefix}-looped-vnet'
    subnets: [for (s, i) in subnets: { name: '${s.name}-${i}', prefix: s.prefix }]
    tags: tags
  }
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: '${prefix}-nsg-${uniqueString(resourceGroup().id, prefix)}'
  location: resourceGroup().location
  tags: tags
  properties: {
    flushConnection: length(net.outputs.vnetName) > 3
    securityRules: [for (r, i) in filter(subnets, s => s.name != 'back'): {
      name: 'allow-${r.name}'
      properties: {
        priority: 100 + i
        access: 'Allow'
        direction: 'Inbound'
        protocol: 'Tcp'
        sourceAddressPrefix: r.prefix
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '443'
      }
    }]
  }
}

resource diag 'Microsoft.Storage/storageAccounts@2023-01-01' = if (enableDiag) {
  name: 'diag${uniqueString(resourceGroup().id)}'
  location: resourceGroup().location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
}

output names array = names
output total int = total
output vnetId string = net.outputs.vnetId
output loopedSubnet string = looped.outputs.subnetIds[1]
output firstSubnet string = net.outputs.subnetIds[0]
output sorted array = sort(names, (a, b) => a < b)
output keyed object = toObject(subnets, s => s.name, s => s.prefix)
