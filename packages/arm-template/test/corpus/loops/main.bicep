// Copy loops of every kind: resources (parallel and serial), properties, variables and outputs; conditions.
param count int = 3
param zones array = ['1', '2', '3']
param createPublicIps bool = true
@allowed(['Standard', 'Basic'])
param skuName string = 'Standard'

var ports = [for i in range(0, count): 8000 + i * 10]
var ruleNames = [for (p, i) in ports: 'rule-${i}-${p}']

resource ips 'Microsoft.Network/publicIPAddresses@2023-04-01' = [for (z, i) in zones: if (createPublicIps && i < count) {
  name: 'pip-${i}'
  location: resourceGroup().location
  sku: { name: skuName }
  zones: [z]
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: { domainNameLabel: toLower('lb${uniqueString(resourceGroup().id, string(i))}') }
  }
}]

@batchSize(2)
resource nsgs 'Microsoft.Network/networkSecurityGroups@2023-04-01' = [for i in range(0, count): {
  name: 'nsg-${padLeft(i, 3, '0')}'
  location: resourceGroup().location
  properties: {
    securityRules: [for (p, j) in ports: {
      name: ruleNames[j]
      properties: {
        priority: 100 + j
        protocol: j % 2 == 0 ? 'Tcp' : 'Udp'
        access: 'Allow'
        direction: 'Inbound'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: cidrHost('10.9.0.0/24', i)
        destinationPortRange: string(p)
      }
    }]
  }
}]

resource lb 'Microsoft.Network/loadBalancers@2023-04-01' = {
  name: 'lb'
  location: resourceGroup().location
  sku: { name: skuName }
  properties: {
    frontendIPConfigurations: [for i in range(0, count): {
      name: 'fe${i}'
      properties: { publicIPAddress: { id: ips[i].id } }
    }]
    probes: [{ name: 'p', properties: { protocol: 'Tcp', port: first(ports), intervalInSeconds: 5 } }]
  }
}

output ports array = ports
output names array = [for i in range(0, count): nsgs[i].name]
output fqdns array = [for i in range(0, count): ips[i].properties.dnsSettings.fqdn]
output lbFrontends int = length(lb.properties.frontendIPConfigurations)
// A resource collection used as a value: Bicep emits references('nsgs', 'full').
output nsgIds array = map(nsgs, nsg => nsg.id)
output firstRulePorts array = map(nsgs, nsg => nsg.properties.securityRules[0].properties.destinationPortRange)
