// languageVersion 2.0: user-defined types, functions, an existing resource, symbolic references and loops.
@description('A subnet the spoke gets.')
type subnetSpec = {
  name: string
  @minValue(24)
  @maxValue(29)
  size: int
  delegation: string?
}

type tier = 'basic' | 'standard'

param spokes subnetSpec[] = [
  { name: 'web', size: 24 }
  { name: 'data', size: 26, delegation: 'Microsoft.ContainerInstance/containerGroups' }
]
param tierName tier = 'standard'
@minLength(3)
@maxLength(12)
param baseName string = 'spoke'
@secure()
param adminPassword string = ''

func subnetName(base string, s subnetSpec) string => '${base}-${s.name}'

resource hub 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'hub-vnet'
}

resource spoke 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: '${baseName}-vnet'
  location: resourceGroup().location
  tags: { tier: tierName, hasPassword: string(!empty(adminPassword)) }
  properties: {
    addressSpace: { addressPrefixes: ['10.2.0.0/16'] }
  }
}

resource subnets 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = [for (s, i) in spokes: {
  parent: spoke
  name: subnetName(baseName, s)
  properties: {
    addressPrefix: cidrSubnet('10.2.0.0/16', s.size, i)
    delegations: s.?delegation == null ? [] : [{ name: 'd', properties: { serviceName: s.delegation! } }]
  }
}]

@batchSize(1)
resource peer 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-04-01' = [for i in range(0, 2): {
  parent: spoke
  name: 'peer${i}'
  properties: {
    remoteVirtualNetwork: { id: hub.id }
    allowForwardedTraffic: hub.properties.enableDdosProtection
  }
}]

output subnetPrefixes array = [for (s, i) in spokes: cidrSubnet('10.2.0.0/16', s.size, i)]
output hubLocation string = hub.location
output firstHost string = cidrHost('10.2.0.0/24', 3)
output parsed object = parseCidr('10.2.1.0/26')
output later string = dateTimeAdd('2024-01-31T00:00:00Z', 'P1M')
output spokeId string = spoke.id
output grouped object = groupBy(spokes, s => string(s.size))
output merged object = shallowMerge([{ a: 1 }, { b: 2 }, { a: 3 }])
output itemKeys array = map(items({ z: 1, a: 2 }), e => e.key)
