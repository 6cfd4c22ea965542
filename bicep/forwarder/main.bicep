// A TCP forwarder to targets outside Azure (on-premises servers, by IP or host name), reachable
// from a spoke network through Private Link without peering: hub and spoke networks, a NAT
// gateway, an internal load balancer in front of a VM scale set that DNATs each frontend port to a
// target, a Private Link Service, a private endpoint with a private DNS record, and a jump box in
// each network for probes. See README.md.

metadata description = 'Private Link TCP forwarder: ILB + VM scale set with iptables DNAT to targets outside Azure'

import { addressPlan, environmentTags, portMapping, sshSettings, vmImage } from 'types.bicep'

@description('Suffix of every resource name; keep it short (it appears in about ten names).')
@minLength(1)
@maxLength(12)
param name string = 'fwd${take(uniqueString(resourceGroup().id), 6)}'

@description('Azure region of the regional resources.')
param location string = resourceGroup().location

@description('Targets the forwarder sends traffic to: IPv4 addresses or host names, one or more. Each instance uses one, chosen by its index.')
@minLength(1)
param targets string[]

@description('Forwarded TCP ports: load balancer frontend port to target port.')
@minLength(1)
param portMappings portMapping[]

@description('CIDRs allowed to reach the forwarded ports, besides the load balancer probe (168.63.129.16) and the hub subnets, which are always allowed (the Private Link Service\'s NAT addresses come from the shared one). The rule script rejects overlaps.')
param allowedSources string[] = []

@description('SSH to the instances: off unless enabled; the public key is required because the instances accept no password.')
param ssh sshSettings

@description('Connection tracking table size on each instance.')
@minValue(4096)
@maxValue(4194304)
param conntrackMax int = 65536

@description('Number of forwarder instances.')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('VM size of the forwarder instances.')
param vmSize string = 'Standard_B1s'

@description('Marketplace image of the forwarder instances (Azure Linux 3 by default; CBL-Mariner 2 works too).')
param image vmImage = {
  publisher: 'MicrosoftCBLMariner'
  offer: 'azure-linux-3'
  sku: 'azure-linux-3-gen2'
  version: 'latest'
}

@description('Address ranges of the hub and spoke networks.')
param addresses addressPlan = {
  hub: '10.0.1.0/24'
  hubShared: '10.0.1.0/26'
  hubJumpbox: '10.0.1.64/28'
  spoke: '10.1.0.0/24'
  spokeEndpoints: '10.1.0.0/26'
  spokeJumpbox: '10.1.0.64/28'
}

@description('Static address of the load balancer frontend in the hub shared subnet; empty for a dynamic one.')
param frontendPrivateIp string = ''

@description('Idle timeout of the load balancing rules, in minutes.')
@minValue(4)
@maxValue(100)
param idleTimeoutInMinutes int = 15

@description('Subscriptions that may see the Private Link Service and whose endpoints are approved automatically.')
param privateLinkSubscriptions string[] = [subscription().subscriptionId]

@description('Private DNS zone linked to the spoke.')
param dnsZoneName string = 'internal.net'

@description('Name of the A record, in the zone, that resolves to the private endpoint.')
param recordName string = 'forwarder'

@description('Time to live of the A record, in seconds.')
@minValue(1)
param recordTtl int = 300

@description('Image of the jump boxes.')
param jumpboxImage string = 'docker.io/nicolaka/netshoot:v0.13'

@description('Environment tags, applied to every resource so that previews can be found and swept.')
param tags environmentTags

// Tags carry strings only: the optional pr and expiry are left out when not given.
var resourceTags = toObject(filter(items(tags), tag => tag.value != null), tag => tag.key, tag => string(tag.value))

module network 'modules/network.bicep' = {
  name: 'network-${name}'
  params: {
    name: name
    location: location
    addresses: addresses
    tags: resourceTags
  }
}

module forwarder 'modules/forwarder.bicep' = {
  name: 'forwarder-${name}'
  params: {
    name: name
    location: location
    subnetId: network.outputs.hubSharedSubnetId
    targets: targets
    portMappings: portMappings
    allowedSources: concat([addresses.hubShared, addresses.hubJumpbox], allowedSources)
    ssh: ssh
    conntrackMax: conntrackMax
    instanceCount: instanceCount
    vmSize: vmSize
    image: image
    frontendPrivateIp: frontendPrivateIp
    idleTimeoutInMinutes: idleTimeoutInMinutes
    tags: resourceTags
  }
}

module privateLink 'modules/private-link.bicep' = {
  name: 'private-link-${name}'
  params: {
    name: name
    location: location
    frontendIpConfigurationId: forwarder.outputs.frontendIpConfigurationId
    serviceSubnetId: network.outputs.hubSharedSubnetId
    endpointSubnetId: network.outputs.spokeEndpointsSubnetId
    spokeVnetId: network.outputs.spokeId
    visibleToSubscriptions: privateLinkSubscriptions
    autoApprovedSubscriptions: privateLinkSubscriptions
    dnsZoneName: dnsZoneName
    recordName: recordName
    recordTtl: recordTtl
    tags: resourceTags
  }
}

module hubJumpbox '../jumpbox/main.bicep' = {
  name: 'jumpbox-hub-${name}'
  params: {
    name: 'ci-hub-${name}'
    location: location
    subnetId: network.outputs.hubJumpboxSubnetId
    image: jumpboxImage
    tags: resourceTags
  }
}

module spokeJumpbox '../jumpbox/main.bicep' = {
  name: 'jumpbox-spoke-${name}'
  params: {
    name: 'ci-spoke-${name}'
    location: location
    subnetId: network.outputs.spokeJumpboxSubnetId
    image: jumpboxImage
    tags: resourceTags
  }
}

@description('Private address of the internal load balancer frontend (hub).')
output ilbFrontendIp string = forwarder.outputs.frontendIp

@description('Name of the internal load balancer.')
output loadBalancerName string = forwarder.outputs.loadBalancerName

@description('Name of the VM scale set.')
output vmssName string = forwarder.outputs.scaleSetName

@description('Alias of the Private Link Service, for endpoints in other subscriptions.')
output plsAlias string = privateLink.outputs.linkServiceAlias

@description('Resource id of the Private Link Service.')
output plsId string = privateLink.outputs.linkServiceId

@description('Resource id of the private endpoint (spoke).')
output privateEndpointId string = privateLink.outputs.endpointId

@description('Private address of the private endpoint.')
output privateEndpointIp string = privateLink.outputs.endpointIp

@description('Name of the private DNS zone.')
output dnsZoneName string = privateLink.outputs.zoneName

@description('Resource id of the private DNS zone.')
output dnsZoneId string = privateLink.outputs.zoneId

@description('Name that resolves to the private endpoint from the spoke.')
output recordFqdn string = privateLink.outputs.recordFqdn

@description('Name of the hub jump box container group.')
output hubJumpboxName string = hubJumpbox.outputs.name

@description('Resource id of the hub jump box container group.')
output hubJumpboxId string = hubJumpbox.outputs.id

@description('Name of the spoke jump box container group.')
output spokeJumpboxName string = spokeJumpbox.outputs.name

@description('Resource id of the spoke jump box container group.')
output spokeJumpboxId string = spokeJumpbox.outputs.id

@description('Resource id of the hub virtual network.')
output hubVnetId string = network.outputs.hubId

@description('Resource id of the spoke virtual network.')
output spokeVnetId string = network.outputs.spokeId

@description('The rule script configuration the instances boot with.')
output ruleConfiguration string = forwarder.outputs.ruleConfiguration
