// A jump box on its own: the probe box of the README, in the spoke's delegated subnet that the forwarder
// example (../forwarder/main.bicepparam, deployed to rg-forwarder-example) creates.
using 'main.bicep'

param name = 'ci-probe'

param subnetId = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-forwarder-example/providers/Microsoft.Network/virtualNetworks/vnet-spoke-fwd26wj2i/subnets/jumpbox'

param tags = {
  environment: 'example'
  owner: 'platform-engineering'
}
