using 'main.bicep'

param name = 'landing-example'
param tags = {
  environment: 'example'
  owner: 'platform-engineering'
}
