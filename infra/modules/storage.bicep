// The storage account: the Functions host's own storage (AzureWebJobsStorage: leases, timer
// schedule state, host keys), the Flex Consumption deployment container, the app's tables, and
// the private container of the policy document the app polls (Consent:Policy:Blob).
// Shared key access is off: every caller authenticates with Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Principal id of the managed identity the app runs as.')
param principalId string

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Private blob container of the policy document (Consent__Policy__Blob__ContainerName).')
param policyContainerName string

@description('The tables the app uses (Consent:Storage:*Table): accounts, devices, intents, projections, changelog.')
param tableNames array

param tags object = {}

// Storage Table Data Contributor: read/write entities, and create tables (the app creates any
// missing table at start, which needs the role at account scope, not per table).
var tableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Storage Blob Data Owner: what the Functions host needs on AzureWebJobsStorage (it creates its
// own containers, azure-webjobs-hosts and azure-webjobs-secrets, and takes blob leases for timer
// singletons) and what the Flex deployment needs on the package container. Granted on this
// account only, the one the runtime uses.
var blobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Blob Data Reader on the policy container only: the app reads the policy document and
// never writes it (publishers hold Storage Blob Data Contributor, granted outside this template).
var blobDataReaderRoleId = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'

// The Owner grant above would let the app write the policy too; this condition (Azure ABAC) keeps
// every blob action that creates, changes or deletes a blob out of the policy container, so an app
// that is taken over still cannot publish a policy. Reads there pass both grants: the Reader grant
// is the explicit one, and keeps the policy readable if the host's grant is ever narrowed to its own
// containers. Container-level actions (deleting the container) are not blob data actions, so no
// condition covers them.
var blobWriteActions = [
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/deleteBlobVersion/action'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/permanentDelete/action'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write'
]
var notABlobWrite = join(map(blobWriteActions, action => '!(ActionMatches{\'${action}\'})'), ' AND ')
var outsideThePolicyContainer = '@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringNotEquals \'${policyContainerName}\''
// No Storage Queue Data Contributor: the host uses AzureWebJobsStorage queues only for queue
// triggers, blob triggers and Durable Functions, and this app has none of them (HTTP, Service Bus
// and timer triggers only). Add the role here if such a trigger is ever added.

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    resource policyContainer 'containers' = {
      name: policyContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'
  }
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: storage::tableService
    name: tableName
  }
]

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, tableDataContributorRoleId)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
  }
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, blobDataOwnerRoleId)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwnerRoleId)
    conditionVersion: '2.0'
    condition: '((${notABlobWrite}) OR (${outsideThePolicyContainer}))'
  }
}

resource policyReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::policyContainer.id, principalId, blobDataReaderRoleId)
  scope: storage::blobService::policyContainer
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataReaderRoleId)
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
output policyContainerName string = storage::blobService::policyContainer.name
