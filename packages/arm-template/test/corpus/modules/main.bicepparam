using 'main.bicep'
param prefix = 'corp'
param enableDiag = true
