// The nested ISA-95 network layers of the seed: L2, L3 and L4, each a virtual network that talks only to the layer
// above (peered L2-L3 and L3-L4, never L2-L4). Allow-listed names travel from L2 up to L4 and on to the internet
// through an SNI proxy in every layer, with no TLS termination; each layer's DNS answers those names with its own
// proxy; everything else is denied by the network security groups. One allow-list parameter configures every
// layer. See README.md.

metadata description = 'Nested ISA-95 layers L2/L3/L4: peered VNets, NSGs, per-layer SNI proxy and DNS scale sets from one allow-list'

import { addressPlan, allowedName, proxySoftware } from 'types.bicep'
import { environmentTags, sshSettings, vmImage } from '../forwarder/types.bicep'
import { checkedAllowList } from 'allow-list.bicep'

@description('Suffix of every resource name; keep it short.')
@minLength(1)
@maxLength(12)
param name string = 'isa${take(uniqueString(resourceGroup().id), 6)}'

@description('Azure region of the regional resources.')
param location string = resourceGroup().location

@description('The names the layers let through to the internet: host names, and *.domain for every name below domain. An exact name wins over a wildcard. It must include the package mirror\'s host.')
@minLength(1)
param allowList allowedName[]

@description('The SNI proxy software of every layer: nginx by default, chosen by npm run bench -- layers (see the README); haproxy uses less memory per connection.')
param proxyEngine proxySoftware = 'nginx'

@description('Address ranges of the three layers.')
param addresses addressPlan = {
  l2: {
    space: '10.20.0.0/24'
    proxySubnet: '10.20.0.0/26'
    jumpboxSubnet: '10.20.0.64/28'
    frontend: '10.20.0.10'
  }
  l3: {
    space: '10.30.0.0/24'
    proxySubnet: '10.30.0.0/26'
    jumpboxSubnet: '10.30.0.64/28'
    frontend: '10.30.0.10'
  }
  l4: {
    space: '10.40.0.0/24'
    proxySubnet: '10.40.0.0/26'
    jumpboxSubnet: '10.40.0.64/28'
    frontend: '10.40.0.10'
  }
}

@description('Origin of the HTTPS Debian mirror the proxies install from; L2 and L3 reach it through the layers above.')
param packageMirror string = 'https://deb.debian.org'

@description('Seconds between two reads of the userData by the instances: how soon a redeployed allow-list applies.')
@minValue(1)
@maxValue(300)
param refreshSeconds int = 5

@description('SSH to the proxy instances: off unless enabled; the public key is required because the instances accept no password.')
param ssh sshSettings

@description('Proxy instances per layer.')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('VM size of the proxy instances.')
param vmSize string = 'Standard_B1s'

@description('Marketplace image of the proxy instances: Debian 12 (apt) by default.')
param image vmImage = {
  publisher: 'Debian'
  offer: 'debian-12'
  sku: '12-gen2'
  version: 'latest'
}

@description('Image of the jump boxes.')
param jumpboxImage string = 'docker.io/nicolaka/netshoot:v0.13'

@description('Environment tags, applied to every resource so that previews can be found and swept.')
param tags environmentTags

// Tags carry strings only: the optional pr and expiry are left out when not given.
var resourceTags = toObject(filter(items(tags), tag => tag.value != null), tag => tag.key, tag => string(tag.value))

// Checked here, before any module deploys: a malformed entry fails the whole deployment at validation.
var allowed = checkedAllowList(allowList)

var azureDns = '168.63.129.16'

// Known before deployment (the network module names its VNet so), which keeps what-if precise for the peerings.
var vnetNames = {
  l2: 'vnet-l2-${name}'
  l3: 'vnet-l3-${name}'
  l4: 'vnet-l4-${name}'
}

module l4Network 'modules/layer-network.bicep' = {
  name: 'network-l4-${name}'
  params: {
    name: name
    layerName: 'L4'
    location: location
    addresses: addresses.l4
    clientSpaces: [addresses.l4.space, addresses.l3.space]
    internetEgress: true
    dnsServers: []
    tags: resourceTags
  }
}

// The seed's host-system path: L3's VNet resolves through L4's DNS, L2's through L3's.
module l3Network 'modules/layer-network.bicep' = {
  name: 'network-l3-${name}'
  params: {
    name: name
    layerName: 'L3'
    location: location
    addresses: addresses.l3
    clientSpaces: [addresses.l3.space, addresses.l2.space]
    internetEgress: false
    dnsServers: [addresses.l4.frontend]
    tags: resourceTags
  }
}

module l2Network 'modules/layer-network.bicep' = {
  name: 'network-l2-${name}'
  params: {
    name: name
    layerName: 'L2'
    location: location
    addresses: addresses.l2
    clientSpaces: [addresses.l2.space]
    internetEgress: false
    dnsServers: [addresses.l3.frontend]
    tags: resourceTags
  }
}

module l2l3Peering 'modules/peering.bicep' = {
  name: 'peering-l2-l3-${name}'
  params: {
    lowerVnetName: vnetNames.l2
    upperVnetName: vnetNames.l3
  }
  dependsOn: [l2Network, l3Network]
}

module l3l4Peering 'modules/peering.bicep' = {
  name: 'peering-l3-l4-${name}'
  params: {
    lowerVnetName: vnetNames.l3
    upperVnetName: vnetNames.l4
  }
  dependsOn: [l3Network, l4Network]
}


module l4Proxy 'modules/layer-proxy.bicep' = {
  name: 'proxy-l4-${name}'
  params: {
    name: name
    location: location
    allowList: allowed
    engine: proxyEngine
    packageMirror: packageMirror
    refreshSeconds: refreshSeconds
    ssh: ssh
    instanceCount: instanceCount
    vmSize: vmSize
    image: image
    tags: resourceTags
    layerName: 'L4'
    subnetId: l4Network.outputs.proxySubnetId
    addresses: addresses.l4
    nextHop: ''
    dnsUpstream: azureDns
    egressResolver: azureDns
  }
}

// Each lower layer installs its proxy through the layers above, so it starts after them (apt also retries).
module l3Proxy 'modules/layer-proxy.bicep' = {
  name: 'proxy-l3-${name}'
  params: {
    name: name
    location: location
    allowList: allowed
    engine: proxyEngine
    packageMirror: packageMirror
    refreshSeconds: refreshSeconds
    ssh: ssh
    instanceCount: instanceCount
    vmSize: vmSize
    image: image
    tags: resourceTags
    layerName: 'L3'
    subnetId: l3Network.outputs.proxySubnetId
    addresses: addresses.l3
    nextHop: addresses.l4.frontend
    dnsUpstream: addresses.l4.frontend
  }
  dependsOn: [l4Proxy, l3l4Peering]
}

module l2Proxy 'modules/layer-proxy.bicep' = {
  name: 'proxy-l2-${name}'
  params: {
    name: name
    location: location
    allowList: allowed
    engine: proxyEngine
    packageMirror: packageMirror
    refreshSeconds: refreshSeconds
    ssh: ssh
    instanceCount: instanceCount
    vmSize: vmSize
    image: image
    tags: resourceTags
    layerName: 'L2'
    subnetId: l2Network.outputs.proxySubnetId
    addresses: addresses.l2
    nextHop: addresses.l3.frontend
    dnsUpstream: addresses.l3.frontend
  }
  dependsOn: [l3Proxy, l2l3Peering]
}

// Jump boxes stand for each layer's workloads. The seed's workloads resolve through their own layer's rewrite
// (CoreDNS to the layer's proxy): L2's and L3's jump boxes use their layer's DNS, so L2 → L3 → L4 → origin.
module l2Jumpbox '../jumpbox/main.bicep' = {
  name: 'jumpbox-l2-${name}'
  params: {
    name: 'ci-l2-${name}'
    location: location
    subnetId: l2Network.outputs.jumpboxSubnetId
    dnsServers: [addresses.l2.frontend]
    image: jumpboxImage
    tags: resourceTags
  }
}

module l3Jumpbox '../jumpbox/main.bicep' = {
  name: 'jumpbox-l3-${name}'
  params: {
    name: 'ci-l3-${name}'
    location: location
    subnetId: l3Network.outputs.jumpboxSubnetId
    dnsServers: [addresses.l3.frontend]
    image: jumpboxImage
    tags: resourceTags
  }
}

// L4's jump box uses Azure DNS and the NAT gateway: the internet, directly.
module l4Jumpbox '../jumpbox/main.bicep' = {
  name: 'jumpbox-l4-${name}'
  params: {
    name: 'ci-l4-${name}'
    location: location
    subnetId: l4Network.outputs.jumpboxSubnetId
    image: jumpboxImage
    tags: resourceTags
  }
}

@description('The allow-list every layer was configured with, in lower case.')
output allowList string[] = allowed

@description('L2\'s proxy and DNS frontend.')
output l2Frontend string = l2Proxy.outputs.frontendIp

@description('L3\'s proxy and DNS frontend.')
output l3Frontend string = l3Proxy.outputs.frontendIp

@description('L4\'s proxy and DNS frontend.')
output l4Frontend string = l4Proxy.outputs.frontendIp

@description('Name of L2\'s proxy scale set.')
output l2ScaleSetName string = l2Proxy.outputs.scaleSetName

@description('Name of L3\'s proxy scale set.')
output l3ScaleSetName string = l3Proxy.outputs.scaleSetName

@description('Name of L4\'s proxy scale set.')
output l4ScaleSetName string = l4Proxy.outputs.scaleSetName

@description('Name of the L2 jump box container group.')
output l2JumpboxName string = l2Jumpbox.outputs.name

@description('Resource id of the L2 jump box container group.')
output l2JumpboxId string = l2Jumpbox.outputs.id

@description('Name of the L3 jump box container group.')
output l3JumpboxName string = l3Jumpbox.outputs.name

@description('Resource id of the L3 jump box container group.')
output l3JumpboxId string = l3Jumpbox.outputs.id

@description('Name of the L4 jump box container group.')
output l4JumpboxName string = l4Jumpbox.outputs.name

@description('Resource id of the L4 jump box container group.')
output l4JumpboxId string = l4Jumpbox.outputs.id

@description('Resource id of L2\'s virtual network.')
output l2VnetId string = l2Network.outputs.vnetId

@description('Resource id of L3\'s virtual network.')
output l3VnetId string = l3Network.outputs.vnetId

@description('Resource id of L4\'s virtual network.')
output l4VnetId string = l4Network.outputs.vnetId

@description('The configuration L2\'s instances read from their userData.')
output l2Configuration string = l2Proxy.outputs.configuration

@description('The configuration L3\'s instances read from their userData.')
output l3Configuration string = l3Proxy.outputs.configuration

@description('The configuration L4\'s instances read from their userData.')
output l4Configuration string = l4Proxy.outputs.configuration
