using 'main.bicep'

param adminToken = 'subscription-scope-S3cret'
