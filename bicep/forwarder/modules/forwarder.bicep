// The forwarder itself: an internal Standard load balancer in front of a VM scale set whose
// instances DNAT each frontend port to one of the targets. The instances boot with cloud-init that
// carries the static rule script (../forwarder-rules.sh) and the configuration rendered here.

import { resourceTags, portMapping, sshSettings, vmImage } from '../types.bicep'

@description('Suffix of every resource name.')
param name string

@description('Azure region of the resources.')
param location string

@description('Hub subnet of the load balancer frontend and the instances.')
param subnetId string

@description('Targets: IPv4 addresses or host names the instances resolve at boot.')
@minLength(1)
param targets string[]

@description('Forwarded TCP ports.')
@minLength(1)
param portMappings portMapping[]

@description('CIDRs allowed to reach the forwarded ports besides the load balancer (168.63.129.16).')
param allowedSources string[]

@description('SSH access to the instances; enabled defaults to false, adminUsername to forwarder.')
param ssh sshSettings

@description('Connection tracking table size on each instance.')
@minValue(4096)
@maxValue(4194304)
param conntrackMax int

@description('Number of instances.')
@minValue(1)
@maxValue(10)
param instanceCount int

@description('VM size of the instances.')
param vmSize string

@description('Marketplace image of the instances (Azure Linux or CBL-Mariner).')
param image vmImage

@description('Static frontend address in the shared subnet; empty for a dynamic one.')
param frontendPrivateIp string

@description('Idle timeout of the load balancing rules, in minutes.')
@minValue(4)
@maxValue(100)
param idleTimeoutInMinutes int

@description('Tags applied to every resource.')
param tags resourceTags

var loadBalancerName = 'lbi-${name}'
var adminUsername = ssh.?adminUsername ?? 'forwarder'

var ruleConfiguration = join(
  [
    '# Rendered by the forwarder Bicep module; read by /usr/local/sbin/forwarder-rules.sh.'
    'targets=${join(targets, ' ')}'
    'port_mappings=${join(map(portMappings, mapping => '${mapping.frontendPort}:${mapping.targetPort}'), ' ')}'
    'allowed_sources=${join(allowedSources, ' ')}'
    'ssh=${(ssh.?enabled ?? false) ? 'true' : 'false'}'
    'conntrack_max=${conntrackMax}'
    ''
  ],
  '\n'
)

var cloudInit = format(
  loadTextContent('../cloud-init.yaml'),
  base64(loadTextContent('../forwarder-rules.sh')),
  base64(ruleConfiguration)
)

resource loadBalancer 'Microsoft.Network/loadBalancers@2024-05-01' = {
  name: loadBalancerName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    frontendIPConfigurations: [
      {
        name: 'frontend'
        properties: {
          subnet: {
            id: subnetId
          }
          privateIPAllocationMethod: empty(frontendPrivateIp) ? 'Dynamic' : 'Static'
          privateIPAddress: empty(frontendPrivateIp) ? null : frontendPrivateIp
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'forwarders'
      }
    ]
    // The probe reaches the instance from 168.63.129.16 and is DNATed like client traffic, so an
    // instance is healthy only while its target answers.
    probes: [
      for mapping in portMappings: {
        name: 'tcp-${mapping.frontendPort}'
        properties: {
          protocol: 'Tcp'
          port: mapping.frontendPort
          intervalInSeconds: 5
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      for mapping in portMappings: {
        name: 'tcp-${mapping.frontendPort}'
        properties: {
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', loadBalancerName, 'frontend')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', loadBalancerName, 'forwarders')
          }
          probe: {
            id: resourceId('Microsoft.Network/loadBalancers/probes', loadBalancerName, 'tcp-${mapping.frontendPort}')
          }
          protocol: 'Tcp'
          frontendPort: mapping.frontendPort
          backendPort: mapping.frontendPort
          enableTcpReset: true
          idleTimeoutInMinutes: idleTimeoutInMinutes
          enableFloatingIP: false
          // Outbound goes through the NAT gateway of the subnet.
          disableOutboundSnat: true
          loadDistribution: 'Default'
        }
      }
    ]
  }
}

resource scaleSet 'Microsoft.Compute/virtualMachineScaleSets@2024-07-01' = {
  name: 'vmss-${name}'
  location: location
  tags: tags
  sku: {
    name: vmSize
    tier: 'Standard'
    capacity: instanceCount
  }
  properties: {
    orchestrationMode: 'Uniform'
    // Without overprovisioning, instance ids stay dense and the targets share the instances evenly.
    overprovision: false
    upgradePolicy: {
      mode: 'Automatic'
      automaticOSUpgradePolicy: {
        enableAutomaticOSUpgrade: true
        disableAutomaticRollback: false
      }
    }
    virtualMachineProfile: {
      storageProfile: {
        imageReference: image
        osDisk: {
          createOption: 'FromImage'
          caching: 'ReadWrite'
          managedDisk: {
            storageAccountType: 'Standard_LRS'
          }
        }
      }
      osProfile: {
        // Computer names are this prefix plus six base-36 digits of the instance id: the rule
        // script reads the instance index from them.
        computerNamePrefix: 'fwd'
        adminUsername: adminUsername
        customData: base64(cloudInit)
        linuxConfiguration: {
          disablePasswordAuthentication: true
          ssh: {
            publicKeys: [
              {
                path: '/home/${adminUsername}/.ssh/authorized_keys'
                keyData: ssh.publicKey
              }
            ]
          }
        }
      }
      networkProfile: {
        networkInterfaceConfigurations: [
          {
            name: 'nic'
            properties: {
              primary: true
              enableIPForwarding: true
              ipConfigurations: [
                {
                  name: 'ipconfig'
                  properties: {
                    subnet: {
                      id: subnetId
                    }
                    loadBalancerBackendAddressPools: [
                      {
                        // An id what-if can evaluate before deployment (a property read could not be).
                        id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', loadBalancer.name, 'forwarders')
                      }
                    ]
                  }
                }
              ]
            }
          }
        ]
      }
      extensionProfile: {
        extensions: [
          {
            // Probes 127.0.0.1 on the first forwarded port from inside the instance; the rule
            // script's OUTPUT DNAT sends that to the target.
            name: 'HealthExtension'
            properties: {
              publisher: 'Microsoft.ManagedServices'
              type: 'ApplicationHealthLinux'
              typeHandlerVersion: '2.0'
              autoUpgradeMinorVersion: true
              settings: {
                protocol: 'tcp'
                port: portMappings[0].frontendPort
              }
            }
          }
        ]
      }
      diagnosticsProfile: {
        bootDiagnostics: {
          enabled: true
        }
      }
    }
  }
}

@description('Private address of the load balancer frontend.')
output frontendIp string = loadBalancer.properties.frontendIPConfigurations[0].properties.privateIPAddress

@description('Resource id of the load balancer frontend, for the Private Link Service.')
output frontendIpConfigurationId string = resourceId(
  'Microsoft.Network/loadBalancers/frontendIPConfigurations',
  loadBalancer.name,
  'frontend'
)

@description('Name of the load balancer.')
output loadBalancerName string = loadBalancer.name

@description('Name of the VM scale set.')
output scaleSetName string = scaleSet.name

@description('Resource id of the VM scale set.')
output scaleSetId string = scaleSet.id

@description('The configuration file the instances boot with, for review.')
output ruleConfiguration string = ruleConfiguration
