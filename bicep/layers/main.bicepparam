// The seed's scenario: the Azure Arc names of its example (an exact name beside its wildcard), a container
// registry, a public API, and the Debian mirror the proxies of every layer install from.
using 'main.bicep'

param allowList = [
  'gbl.his.arc.azure.com'
  '*.his.arc.azure.com'
  '*.guestnotificationservice.azure.com'
  'mcr.microsoft.com'
  '*.data.mcr.microsoft.com'
  'api.contoso-plant.example'
  'deb.debian.org'
]

// The default key's private half was discarded: the admin account exists but nobody can log in.
// Export LAYERS_SSH_PUBLIC_KEY (and set enabled: true) to reach the instances over SSH.
param ssh = {
  enabled: false
  publicKey: readEnvironmentVariable('LAYERS_SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC6wH+Rup2GmGSdWFpYzTvYlOwWoGn2HDZyL+hTM+qtP private-half-discarded')
}

param tags = {
  environment: 'example'
  owner: 'plant-networking'
}
