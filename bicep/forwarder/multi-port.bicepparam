// A non-HTTP case: a database, an MQTT broker and an SSH gateway on three plant servers, forwarded
// on three ports (SSH on 2222, so the instances' own port 22 stays closed) and reached from the
// spoke as plant-gateway.corp.internal. Three instances: one per target.
using 'main.bicep'

param targets = [
  '172.16.10.21'
  '172.16.10.22'
  '172.16.10.23'
]

param portMappings = [
  {
    frontendPort: 5432
    targetPort: 5432
  }
  {
    frontendPort: 8883
    targetPort: 8883
  }
  {
    frontendPort: 2222
    targetPort: 22
    protocol: 'Tcp'
  }
]

param allowedSources = [
  '10.60.0.0/16'
]

param instanceCount = 3

param conntrackMax = 262144

param idleTimeoutInMinutes = 30

param dnsZoneName = 'corp.internal'

param recordName = 'plant-gateway'

param ssh = {
  publicKey: readEnvironmentVariable('FORWARDER_SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC6wH+Rup2GmGSdWFpYzTvYlOwWoGn2HDZyL+hTM+qtP private-half-discarded')
}

param tags = {
  environment: 'preview'
  pr: '42'
  expiry: '2026-12-31T00:00:00Z'
  owner: 'plant-networking'
}
