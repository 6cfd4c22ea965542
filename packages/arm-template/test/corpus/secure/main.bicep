// Secure parameters as bicep snapshot keeps them: a supplied secure value stays `[parameters('name')]` wherever it
// flows (properties, format() and concat(), a secure object's member, module parameters, outputs), partly
// evaluated around it; a secure default value is part of the template and is shown.
@secure()
param adminPassword string
@secure()
param apiSettings object
@secure()
param defaultedSecret string = 'not-a-secret-default'
param prefix string = 'app'

module worker 'worker.bicep' = {
  name: 'worker'
  params: {
    token: adminPassword
    banner: '${prefix}: ${adminPassword}'
    literalSecret: 'literal-into-secure'
    label: prefix
  }
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${prefix}-nsg'
  location: resourceGroup().location
  tags: {
    password: adminPassword
    joined: concat(prefix, adminPassword)
    formatted: format('{0}={1}', prefix, adminPassword)
    encoded: base64('user:${adminPassword}')
    key: apiSettings.key
    size: string(length(adminPassword))
    strong: length(adminPassword) >= 12 ? 'yes' : 'no'
    defaulted: defaultedSecret
    plain: toUpper(prefix)
  }
}

@secure()
output passwordOut string = adminPassword
output passwordLength int = length(adminPassword)
output keyUpper string = toUpper(apiSettings.key)
output prefixOut string = prefix
