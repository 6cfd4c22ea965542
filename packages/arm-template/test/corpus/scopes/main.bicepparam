using 'main.bicep'
param otherGroup = 'rg-dns'
