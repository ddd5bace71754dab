// The Function App on the Flex Consumption plan (FC1, Linux, .NET isolated). It runs as the one
// user-assigned identity, and every connection it has is identity-based: no app setting holds a
// key or a key-bearing connection string.

@description('Name of the Function App (also the first label of its host name).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Name of the storage account the Functions host uses (AzureWebJobsStorage).')
param storageAccountName string

@description('The table endpoint (Consent__Storage__ServiceUri).')
param tableEndpoint string

@description('The blob endpoint (Consent__Policy__Blob__ServiceUri).')
param blobEndpoint string

@description('Container of the policy document (Consent__Policy__Blob__ContainerName).')
param policyContainerName string

@description('Blob of the policy document (Consent__Policy__Blob__BlobName).')
param policyBlobName string

@description('Consent__Policy__Blob__PollInterval (TimeSpan).')
param policyPollInterval string

@description('URL of the blob container Flex Consumption deploys the package from.')
param deploymentContainerUrl string

@description('Host name of the Service Bus namespace.')
param serviceBusFullyQualifiedNamespace string

@description('Topic the trigger listens to and the publisher sends to.')
param serviceBusTopicName string

@description('Subscription the ProjectChange function reads.')
param serviceBusSubscriptionName string

@description('Application Insights connection string (endpoint and key; with local auth disabled the key is not a credential).')
param appInsightsConnectionString string

@description('NCRONTAB (with seconds) of the Repair timer function.')
param repairSchedule string

@description('Consent__Propagation__StalenessBound (TimeSpan).')
param stalenessBound string

@description('Consent__Propagation__RepairDelay (TimeSpan).')
param repairDelay string

@description('Consent__Evaluation__DecisionBudget (TimeSpan): how far behind the projection a decision may be: the change log watch plus the proxy\'s cache.')
param evaluationDecisionBudget string

@description('Egress proxies allowed to ask for decisions, each { name, keySha256, partners }. Only the hex SHA-256 of a proxy\'s key is passed and stored (as an app setting; a hash is not a secret): the key itself is never stored.')
param proxies array

@description('Consent__Propagation__MaxDeliveryCount: must equal the subscription\'s max delivery count.')
param maxDeliveryCount int

@description('Consent__Auth__Issuer.')
param authIssuer string

@description('Consent__Auth__Audience.')
param authAudience string

@description('Consent__Auth__Authority.')
param authAuthority string

@description('Upper bound of instances the plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('.NET isolated runtime version.')
param runtimeVersion string

param tags object = {}

// Characters App Service accepts in an app setting name on Linux (no hyphen; a period would
// become an underscore), and those of a hex digest.
var settingNameCharacters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'
var hexDigits = '0123456789ABCDEFabcdef'

// The proxies, checked: a name App Service would refuse, a key where its hash belongs, or an
// empty partner list fails the deployment with a message instead of reaching the app.
var checkedProxies = [
  for proxy in proxies: {
    name: !empty(proxy.name) && empty(filter(range(0, length(proxy.name)), i => !contains(settingNameCharacters, substring(proxy.name, i, 1))))
      ? proxy.name
      : fail('Proxy name \'${proxy.name}\': use letters, digits and underscores only (it is part of app setting names)')
    keySha256: length(proxy.keySha256) == 64 && empty(filter(range(0, 64), i => !contains(hexDigits, substring(proxy.keySha256, i, 1))))
      ? proxy.keySha256
      : fail('Proxy \'${proxy.name}\': keySha256 must be the hex SHA-256 of the proxy\'s key (64 hex digits), never the key itself')
    partners: !empty(proxy.partners)
      ? proxy.partners
      : fail('Proxy \'${proxy.name}\': partners must list the partner ids it serves, or be [\'*\']')
  }
]

// Consent__Proxies__<name>__KeySha256 and Consent__Proxies__<name>__Partners__<i> for each proxy
// (configuration reads indexed keys as an array).
var proxySettingsByProxy = [
  for proxy in checkedProxies: concat(
    [{ name: 'Consent__Proxies__${proxy.name}__KeySha256', value: proxy.keySha256 }],
    map(range(0, length(proxy.partners)), i => { name: 'Consent__Proxies__${proxy.name}__Partners__${i}', value: proxy.partners[i] })
  )
]

// App setting names are case-insensitive: two proxies of one name would share its settings.
var proxySettings = length(union(map(proxies, proxy => toLower(proxy.name)), [])) == length(proxies)
  ? flatten(proxySettingsByProxy)
  : fail('Proxy names must be unique, ignoring case')

// Flex Consumption sets FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION from
// functionAppConfig and rejects them as app settings.
var fixedSettings = [
  // The Functions host's own storage, by identity.
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // The Service Bus trigger and the publisher share these settings, one name each (docs/functions.md).
  { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
  { name: 'ServiceBusConnection__clientId', value: identityClientId }
  { name: 'ServiceBusTopicName', value: serviceBusTopicName }
  { name: 'ServiceBusSubscriptionName', value: serviceBusSubscriptionName }
  { name: 'RepairSchedule', value: repairSchedule }
  // The app's tables, by identity (a ServiceUri makes the connection string unused).
  { name: 'Consent__Storage__ServiceUri', value: tableEndpoint }
  { name: 'Consent__Storage__credential', value: 'managedidentity' }
  { name: 'Consent__Storage__clientId', value: identityClientId }
  // The policy document, polled by ETag, by identity (Storage Blob Data Reader on its container).
  { name: 'Consent__Policy__Blob__ServiceUri', value: blobEndpoint }
  { name: 'Consent__Policy__Blob__credential', value: 'managedidentity' }
  { name: 'Consent__Policy__Blob__clientId', value: identityClientId }
  { name: 'Consent__Policy__Blob__ContainerName', value: policyContainerName }
  { name: 'Consent__Policy__Blob__BlobName', value: policyBlobName }
  { name: 'Consent__Policy__Blob__PollInterval', value: policyPollInterval }
  { name: 'Consent__Propagation__StalenessBound', value: stalenessBound }
  { name: 'Consent__Propagation__RepairDelay', value: repairDelay }
  { name: 'Consent__Propagation__MaxDeliveryCount', value: string(maxDeliveryCount) }
  { name: 'Consent__Evaluation__DecisionBudget', value: evaluationDecisionBudget }
  { name: 'Consent__Auth__Issuer', value: authIssuer }
  { name: 'Consent__Auth__Audience', value: authAudience }
  { name: 'Consent__Auth__Authority', value: authAuthority }
  // Telemetry with Entra auth: the connection string says where, the authentication string
  // which identity's token to send (local auth is disabled on the component).
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(fixedSettings, proxySettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }
}

// No publishing with basic (user name and password) credentials: deploy with Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
