// One layer's proxy: an internal Standard load balancer whose frontend is the layer's SNI proxy (TCP 443) and DNS
// (UDP and TCP 53), in front of a VM scale set. The instances install the proxy from the package mirror at first
// boot (cloud-init, with the static ../layer-proxy.sh) and read the layer's configuration from the userData, which
// a redeployment can change without reimaging: the script's watcher applies it when the model reaches them.

import { layerAddresses, proxySoftware } from '../types.bicep'
import { resourceTags, sshSettings, vmImage } from '../../forwarder/types.bicep'
import { allows, checkedAllowList } from '../allow-list.bicep'

@description('Suffix of every resource name.')
param name string

@description('The layer\'s name, such as L2: part of the resource names and of every proxy log line.')
@minLength(2)
@maxLength(8)
param layerName string

@description('Azure region of the resources.')
param location string

@description('Subnet of the load balancer frontend and the instances.')
param subnetId string

@description('The layer\'s addresses; the frontend is the static load balancer address.')
param addresses layerAddresses

@description('The allow-list: host names and *.domain wildcards; checked here as in the composition.')
@minLength(1)
param allowList string[]

@description('The next layer\'s frontend, where allowed TLS goes; empty for the top layer, which connects to the names itself.')
param nextHop string

@description('Where the layer\'s DNS forwards names outside the allow-list (the top layer: Azure DNS).')
param dnsUpstream string

@description('The top layer\'s resolver for the names it connects to (Azure DNS resolves public names).')
param egressResolver string = '168.63.129.16'

@description('The SNI proxy software.')
param engine proxySoftware

@description('Origin of the HTTPS Debian mirror apt installs from; its host name must be in the allow-list.')
param packageMirror string

@description('Seconds between two reads of the userData by the instances\' watcher.')
@minValue(1)
@maxValue(300)
param refreshSeconds int

@description('SSH access to the instances; enabled defaults to false, adminUsername to layerproxy.')
param ssh sshSettings

@description('Number of instances.')
@minValue(1)
@maxValue(10)
param instanceCount int

@description('VM size of the instances.')
param vmSize string

@description('Marketplace image of the instances: a Debian (apt) image.')
param image vmImage

@description('Tags applied to every resource.')
param tags resourceTags

var lowerName = toLower(layerName)
var loadBalancerName = 'lbi-${lowerName}-${name}'
var adminUsername = ssh.?adminUsername ?? 'layerproxy'
var allowed = checkedAllowList(allowList)
var mirrorHost = split(replace(packageMirror, 'https://', ''), '/')[0]

var configuration = join(
  [
    '# Rendered by the layers Bicep module (modules/layer-proxy.bicep); read by layer-proxy.sh from the userData.'
    'layer=${layerName}'
    'engine=${engine}'
    'allow=${join(allowed, ',')}'
    'frontend=${addresses.frontend}'
    'next_hop=${nextHop}'
    'dns_upstream=${dnsUpstream}'
    'egress_resolver=${egressResolver}'
    'refresh_seconds=${refreshSeconds}'
    ''
  ],
  '\n'
)

var packages = engine == 'haproxy' ? '[haproxy, dnsmasq-base]' : '[nginx, libnginx-mod-stream, dnsmasq-base]'

var cloudInit = !startsWith(packageMirror, 'https://')
  ? fail('The package mirror \'${packageMirror}\' is not an https:// origin: the lower layers reach it only as TLS through the proxies.')
  : !allows(allowed, mirrorHost)
      ? fail('The package mirror\'s host \'${mirrorHost}\' is not in the allow-list: add it, or the layers below L4 cannot install their proxies.')
      : format(loadTextContent('../cloud-init.yaml'), packages, packageMirror, base64(loadTextContent('../layer-proxy.sh')))

var ports = [
  {
    name: 'tls'
    protocol: 'Tcp'
    port: 443
  }
  {
    name: 'dns-udp'
    protocol: 'Udp'
    port: 53
  }
  {
    name: 'dns-tcp'
    protocol: 'Tcp'
    port: 53
  }
]

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
          privateIPAllocationMethod: 'Static'
          privateIPAddress: addresses.frontend
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'proxies'
      }
    ]
    // From 168.63.129.16: the proxy answers on 443, dnsmasq on TCP 53 (a UDP rule is probed over TCP).
    probes: [
      {
        name: 'tcp-443'
        properties: {
          protocol: 'Tcp'
          port: 443
          intervalInSeconds: 5
          probeThreshold: 2
        }
      }
      {
        name: 'tcp-53'
        properties: {
          protocol: 'Tcp'
          port: 53
          intervalInSeconds: 5
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      for rule in ports: {
        name: rule.name
        properties: {
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', loadBalancerName, 'frontend')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', loadBalancerName, 'proxies')
          }
          probe: {
            id: resourceId('Microsoft.Network/loadBalancers/probes', loadBalancerName, 'tcp-${rule.port}')
          }
          protocol: rule.protocol
          frontendPort: rule.port
          backendPort: rule.port
          // A TCP reset is a TCP thing; Azure refuses it on a UDP rule.
          enableTcpReset: rule.protocol == 'Tcp'
          idleTimeoutInMinutes: 30
          enableFloatingIP: false
          // Outbound is the subnet's: a NAT gateway on the top layer, none below.
          disableOutboundSnat: true
          loadDistribution: 'Default'
        }
      }
    ]
  }
}

resource scaleSet 'Microsoft.Compute/virtualMachineScaleSets@2024-07-01' = {
  name: 'vmss-${lowerName}-${name}'
  location: location
  tags: tags
  sku: {
    name: vmSize
    tier: 'Standard'
    capacity: instanceCount
  }
  properties: {
    orchestrationMode: 'Uniform'
    overprovision: false
    // A changed userData (a new allow-list) reaches every instance without a reimage.
    upgradePolicy: {
      mode: 'Automatic'
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
        computerNamePrefix: '${lowerName}prx'
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
      userData: base64(configuration)
      networkProfile: {
        networkInterfaceConfigurations: [
          {
            name: 'nic'
            properties: {
              primary: true
              ipConfigurations: [
                {
                  name: 'ipconfig'
                  properties: {
                    subnet: {
                      id: subnetId
                    }
                    loadBalancerBackendAddressPools: [
                      {
                        id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', loadBalancer.name, 'proxies')
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
            // Probes 127.0.0.1:443 from inside the instance: the proxy listens on every address.
            name: 'HealthExtension'
            properties: {
              publisher: 'Microsoft.ManagedServices'
              type: 'ApplicationHealthLinux'
              typeHandlerVersion: '2.0'
              autoUpgradeMinorVersion: true
              settings: {
                protocol: 'tcp'
                port: 443
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

@description('The layer\'s proxy and DNS frontend address.')
output frontendIp string = loadBalancer.properties.frontendIPConfigurations[0].properties.privateIPAddress

@description('Name of the load balancer.')
output loadBalancerName string = loadBalancer.name

@description('Name of the VM scale set.')
output scaleSetName string = scaleSet.name

@description('Resource id of the VM scale set.')
output scaleSetId string = scaleSet.id

@description('The configuration the instances read from the userData, for review.')
output configuration string = configuration
