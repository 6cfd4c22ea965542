using 'main.bicep'
param withMonitoring = true
param owner = 'netops'
