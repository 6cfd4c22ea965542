using 'main.bicep'
param baseName = 'prod'
param tierName = 'basic'
param adminPassword = 'not-a-real-secret'
