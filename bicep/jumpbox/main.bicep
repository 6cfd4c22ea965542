// A jump box: an Azure Container Instances group in a delegated subnet, with network tools, kept
// running by its command so that probes can exec into it (`az container exec`, or the suite's
// jumpbox-probe action). Stop it when idle; start it for a probe.

metadata description = 'ACI container group with network tools in a delegated subnet'

@description('Name of the container group.')
@minLength(1)
@maxLength(63)
param name string

@description('Azure region of the container group.')
param location string = resourceGroup().location

@description('Resource id of a subnet delegated to Microsoft.ContainerInstance/containerGroups.')
param subnetId string

@description('Container image with the network tools (curl, dig, nc, tcpdump...).')
param image string = 'docker.io/nicolaka/netshoot:v0.13'

@description('CPU cores of the container.')
@minValue(1)
@maxValue(4)
param cpu int = 1

@description('Memory of the container, in GiB.')
@minValue(1)
@maxValue(16)
param memoryInGB int = 1

@description('DNS servers of the container group (dnsConfig.nameServers); empty to use the virtual network\'s.')
param dnsServers string[] = []

@description('Tags of the container group; include the environment tags so that sweepers find it.')
param tags {
  *: string
}

resource jumpbox 'Microsoft.ContainerInstance/containerGroups@2023-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    osType: 'Linux'
    // Exec needs a running container, and a probe starts the group on demand.
    restartPolicy: 'Always'
    sku: 'Standard'
    subnetIds: [
      {
        id: subnetId
      }
    ]
    ...(empty(dnsServers) ? {} : { dnsConfig: { nameServers: dnsServers } })
    containers: [
      {
        name: 'tools'
        properties: {
          image: image
          // The image's own entry point exits at once; this keeps the container alive without a
          // process that needs input.
          command: [
            'tail'
            '-f'
            '/dev/null'
          ]
          resources: {
            requests: {
              cpu: cpu
              memoryInGB: memoryInGB
            }
          }
        }
      }
    ]
  }
}

@description('Name of the container group.')
output name string = jumpbox.name

@description('Resource id of the container group.')
output id string = jumpbox.id

@description('Name of the container to exec into.')
output containerName string = 'tools'
