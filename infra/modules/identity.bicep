// The one user-assigned managed identity the app uses for everything: the Functions host's own
// storage (AzureWebJobsStorage), the Flex deployment container, the tables, Service Bus and
// Application Insights ingestion.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
