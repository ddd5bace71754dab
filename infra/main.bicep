// The consent gateway on Azure Functions (Flex Consumption), Table Storage and Service Bus,
// keyless: one user-assigned managed identity, identity-based app settings only, least-privilege
// data-plane roles, shared key / SAS / instrumentation key auth disabled.
//
//   az deployment group create -g <resource-group> -f infra/main.bicep -p infra/main.parameters.json

targetScope = 'resourceGroup'

@description('Short name the resource names derive from (letters and digits).')
@minLength(2)
@maxLength(12)
param appName string = 'consentgw'

@description('Azure region of every resource. Flex Consumption is available in a subset of regions.')
param location string = resourceGroup().location

@description('JWT issuer the API accepts (Consent__Auth__Issuer).')
param authIssuer string

@description('JWT audience the API accepts (Consent__Auth__Audience).')
param authAudience string

@description('OpenID Connect authority the signing keys come from (Consent__Auth__Authority).')
param authAuthority string

@description('Service Bus topic of change notices.')
param serviceBusTopicName string = 'consent-changes'

@description('Subscription the projector reads.')
param serviceBusSubscriptionName string = 'projector'

@description('Deliveries before a notice is dead-lettered; also Consent__Propagation__MaxDeliveryCount.')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int = 10

@description('Lock duration of the subscription (ISO 8601; at most PT5M). The host renews the lock up to host.json maxAutoLockRenewalDuration.')
param lockDuration string = 'PT1M'

@description('Duplicate detection window of the topic (ISO 8601).')
param duplicateDetectionWindow string = 'PT10M'

// The staleness budget: a decision is at most as stale as propagation's worst case plus the cache.
// A notice that is lost is published again by the first Repair run after repairDelay, so
//   repairDelay + repairSchedule's period + evaluationDecisionBudget (+ the projection itself) <= stalenessBound:
//   20 s + 15 s + 10 s = 45 s, a 15 s margin under 60 s. Change one, check the sum.

@description('NCRONTAB (with seconds) of the Repair timer function. Its period counts in the staleness budget: repairDelay + period + evaluationDecisionBudget <= stalenessBound.')
param repairSchedule string = '*/15 * * * * *'

@description('Consent__Propagation__StalenessBound (TimeSpan): every decision reflects every accepted change within it.')
param stalenessBound string = '00:01:00'

@description('Consent__Propagation__RepairDelay (TimeSpan): the age after which Repair publishes a change again.')
param repairDelay string = '00:00:20'

@description('Consent__Evaluation__DecisionBudget (TimeSpan): how far behind the projection a decision may be: the lag of the change log watch (poll interval + its visibility lag) plus the proxy\'s reuse of the answer (ttlSeconds). Positive and at most half of stalenessBound.')
param evaluationDecisionBudget string = '00:00:10'

@description('Egress proxies allowed to ask for decisions: [ { name, keySha256, partners } ]. name: letters, digits and underscores (it is part of app setting names, where App Service on Linux allows no hyphen). keySha256: the hex SHA-256 of the proxy\'s key, which the proxy sends in X-Consent-Key; the key itself is never passed to this deployment nor stored anywhere in Azure, only its hash, which is no secret. partners: the partner ids the proxy may ask about, or [\'*\'] for every partner. Each proxy becomes the app settings Consent__Proxies__<name>__KeySha256 and Consent__Proxies__<name>__Partners__<i>.')
param proxies array = []

@description('Private blob container of the policy document the app polls (Consent__Policy__Blob__ContainerName); publish to it with Storage Blob Data Contributor (README, "Changing the policy").')
@minLength(3)
@maxLength(63)
param policyContainerName string = 'policy'

@description('The policy document\'s blob in that container (Consent__Policy__Blob__BlobName).')
param policyBlobName string = 'policy.json'

@description('Consent__Policy__Blob__PollInterval (TimeSpan, 1 s to 5 min): every instance asks for the blob\'s ETag this often, so a published version decides everywhere within it and one read.')
param policyPollInterval string = '00:00:05'

@description('Upper bound of Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('.NET isolated runtime version of the Function App.')
param runtimeVersion string = '10.0'

param tags object = {}

var suffix = uniqueString(resourceGroup().id, appName)
var functionAppName = '${appName}-func-${suffix}'
var deploymentContainerName = 'app-package-${take(toLower(appName), 12)}-${take(suffix, 7)}'

// The tables the app uses, as Consent:Storage:{Accounts,Devices,Intents,Projections,ChangeLog}Table default them.
var tableNames = [
  'accounts'
  'devices'
  'intents'
  'projections'
  'changelog'
]

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${appName}-id-${suffix}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${appName}-log-${suffix}'
    appInsightsName: '${appName}-appi-${suffix}'
    location: location
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${toLower(appName)}st${suffix}', 24)
    location: location
    principalId: identity.outputs.principalId
    deploymentContainerName: deploymentContainerName
    policyContainerName: policyContainerName
    tableNames: tableNames
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    name: '${appName}-sb-${suffix}'
    location: location
    principalId: identity.outputs.principalId
    topicName: serviceBusTopicName
    subscriptionName: serviceBusSubscriptionName
    maxDeliveryCount: maxDeliveryCount
    lockDuration: lockDuration
    duplicateDetectionWindow: duplicateDetectionWindow
    tags: tags
  }
}

// Uses the outputs of every module above, so it is deployed after their role assignments exist:
// the host starts with its storage, Service Bus and telemetry roles in place.
module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    name: functionAppName
    planName: '${appName}-plan-${suffix}'
    location: location
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    tableEndpoint: storage.outputs.tableEndpoint
    blobEndpoint: storage.outputs.blobEndpoint
    policyContainerName: storage.outputs.policyContainerName
    policyBlobName: policyBlobName
    policyPollInterval: policyPollInterval
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusTopicName: serviceBus.outputs.topicName
    serviceBusSubscriptionName: serviceBus.outputs.subscriptionName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    repairSchedule: repairSchedule
    stalenessBound: stalenessBound
    repairDelay: repairDelay
    evaluationDecisionBudget: evaluationDecisionBudget
    proxies: proxies
    maxDeliveryCount: maxDeliveryCount
    authIssuer: authIssuer
    authAudience: authAudience
    authAuthority: authAuthority
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    runtimeVersion: runtimeVersion
    tags: tags
  }
}

// What a deployment watches: /api/health/ready from several regions (docs/operations.md).
module readiness 'modules/readiness.bicep' = {
  name: 'readiness'
  params: {
    name: '${appName}-ready-${suffix}'
    location: location
    appInsightsId: monitoring.outputs.appInsightsId
    hostName: functionApp.outputs.defaultHostName
    tags: tags
  }
}

@description('Base URL of the API (host.json routePrefix "api").')
output apiUrl string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('Name of the Function App, for `az functionapp deployment` / `func azure functionapp publish`.')
output functionAppName string = functionApp.outputs.name

@description('Name of the storage account that holds the policy container (az storage blob upload --account-name).')
output storageAccountName string = storage.outputs.name

@description('Container and blob of the policy document the app polls.')
output policyBlob string = '${storage.outputs.policyContainerName}/${policyBlobName}'

@description('Client id of the app\'s managed identity.')
output identityClientId string = identity.outputs.clientId
