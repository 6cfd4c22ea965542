@secure()
param token string
param banner string
@secure()
param literalSecret string
param label string

resource asg 'Microsoft.Network/applicationSecurityGroups@2024-05-01' = {
  name: 'asg-${label}'
  location: resourceGroup().location
  tags: {
    token: token
    banner: banner
    literal: literalSecret
    both: '${literalSecret}/${token}'
  }
}

output bannerOut string = banner
