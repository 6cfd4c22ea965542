using 'main.bicep'
param count = 2
param skuName = 'Standard'
