// The seed's scenario: two on-premises web servers on TCP 8000, reached from the spoke as
// onprem-server.internal.net. Each instance forwards to one server (even index: the first).
using 'main.bicep'

param targets = [
  '192.168.42.65'
  '192.168.42.66'
]

param portMappings = [
  {
    frontendPort: 8000
    targetPort: 8000
  }
]

param recordName = 'onprem-server'

// The default key's private half was discarded: the admin account exists but nobody can log in.
// Export FORWARDER_SSH_PUBLIC_KEY (and set enabled: true) to reach the instances over SSH.
param ssh = {
  enabled: false
  publicKey: readEnvironmentVariable('FORWARDER_SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC6wH+Rup2GmGSdWFpYzTvYlOwWoGn2HDZyL+hTM+qtP private-half-discarded')
}

param tags = {
  environment: 'example'
  owner: 'platform-engineering'
}
