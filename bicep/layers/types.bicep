// Types shared by the layers' composition and its modules.

@export()
@description('One network layer\'s address ranges: its VNet, the proxy subnet, the jump box subnet and the frontend address of its proxy and DNS.')
type layerAddresses = {
  @description('Address space of the layer\'s virtual network.')
  space: string

  @description('Subnet of the proxy scale set and its internal load balancer.')
  proxySubnet: string

  @description('Subnet delegated to container groups (the layer\'s jump box, standing for its workloads).')
  jumpboxSubnet: string

  @description('Static address of the load balancer frontend in the proxy subnet: the layer\'s SNI proxy (443) and DNS (53).')
  frontend: string
}

@export()
@description('Address ranges of the three layers; they must not overlap, since L2 peers with L3 and L3 with L4.')
type addressPlan = {
  @description('Level 2, the lowest layer: no internet; reaches only L3.')
  l2: layerAddresses

  @description('Level 3: no internet; reaches only L4, and is reached from L2.')
  l3: layerAddresses

  @description('Level 4, the top layer: reaches the internet through a NAT gateway, and is reached from L3.')
  l4: layerAddresses
}

@export()
@description('The SNI proxy software: haproxy (TCP mode on req.ssl_sni) or nginx (stream with ssl_preread); neither terminates TLS.')
type proxySoftware = 'haproxy' | 'nginx'

@export()
@description('A host name the layers let through, such as gbl.his.arc.azure.com, or *.domain for every name below domain (not domain itself). An exact name wins over a wildcard.')
type allowedName = string
