// Reads the private address of a private endpoint from its network interface.
//
// A private endpoint on a Private Link Service (unlike one on an Azure PaaS resource) gets no DNS
// zone group, and its own properties do not carry the address. The NIC does, but only once the
// endpoint exists, so the caller names the interface (customNetworkInterfaceName) and deploys this
// module after the endpoint. Reading the NIC through `existing` in a nested deployment is a plain
// GET that works with any tool (az, azd, the deploy action), and what-if can still predict it
// because the name is known before deployment.

@description('Name of the private endpoint\'s network interface, in this resource group.')
param networkInterfaceName string

resource endpointInterface 'Microsoft.Network/networkInterfaces@2024-05-01' existing = {
  name: networkInterfaceName
}

@description('Private IPv4 address of the private endpoint.')
output privateIp string = endpointInterface.properties.ipConfigurations[0].properties.privateIPAddress
