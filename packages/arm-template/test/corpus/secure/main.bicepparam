using 'main.bicep'

param adminPassword = 'Corpus-S3cret-Value!'
param apiSettings = { key: 'corpus-api-key-123', region: 'west' }
