// Types shared by the forwarder's composition and its modules.

@export()
@description('One forwarded TCP port: the load balancer listens on frontendPort, the targets answer on targetPort.')
type portMapping = {
  @description('Port on the load balancer frontend and on the forwarder instances.')
  @minValue(1)
  @maxValue(65535)
  frontendPort: int

  @description('Port on the target the connection is forwarded to.')
  @minValue(1)
  @maxValue(65535)
  targetPort: int

  @description('Only TCP is forwarded.')
  protocol: 'Tcp'?
}

@export()
@description('Tags that let previews be found and swept later; applied to every resource.')
type environmentTags = {
  @description('Environment name, for example preview, dev or prod.')
  @minLength(1)
  environment: string

  @description('Pull request number for a preview environment.')
  pr: string?

  @description('UTC date and time after which a sweeper may delete the environment (ISO 8601).')
  expiry: string?

  @description('Team or person who owns the environment.')
  @minLength(1)
  owner: string
}

@export()
@description('SSH to the forwarder instances. Off by default: the rule script drops TCP 22.')
type sshSettings = {
  @description('Accept SSH on the instances (the rule script opens TCP 22). Default: false.')
  enabled: bool?

  @description('Name of the administrator account. Default: forwarder.')
  @minLength(1)
  adminUsername: string?

  @description('OpenSSH public key of the administrator; the instances accept no password.')
  @minLength(1)
  publicKey: string
}

@export()
@description('Address ranges of the hub and spoke virtual networks, which are not peered.')
type addressPlan = {
  @description('Hub address space.')
  hub: string

  @description('Hub subnet for the NAT gateway, load balancer, scale set and Private Link Service.')
  hubShared: string

  @description('Hub subnet delegated to container groups (jump box).')
  hubJumpbox: string

  @description('Spoke address space.')
  spoke: string

  @description('Spoke subnet for the private endpoint.')
  spokeEndpoints: string

  @description('Spoke subnet delegated to container groups (jump box).')
  spokeJumpbox: string
}

@export()
@description('Marketplace image of the forwarder instances.')
type vmImage = {
  publisher: string
  offer: string
  sku: string
  version: string
}

@export()
@description('Tags as resources carry them: string values only.')
type resourceTags = {
  *: string
}
