// The Service Bus namespace (Standard: topics), the change-notice topic and the projector's
// subscription. Local (SAS) auth is disabled: the app sends and receives with its identity.

@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Principal id of the managed identity that publishes and consumes notices.')
param principalId string

@description('The topic change notices are published to (ServiceBusTopicName).')
param topicName string

@description('The subscription the ProjectChange function reads (ServiceBusSubscriptionName).')
param subscriptionName string

@description('Deliveries before a message is dead-lettered; the app reads the same number (Consent__Propagation__MaxDeliveryCount).')
@minValue(1)
param maxDeliveryCount int

@description('How long a received message stays locked to its receiver (ISO 8601).')
param lockDuration string

@description('Window in which a message with an already seen MessageId is dropped (ISO 8601).')
param duplicateDetectionWindow string

param tags object = {}

// Azure Service Bus Data Sender / Data Receiver, on the topic only (the namespace holds nothing else).
var serviceBusDataSenderRoleId = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiverRoleId = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }

  resource topic 'topics' = {
    name: topicName
    properties: {
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
      defaultMessageTimeToLive: 'P14D'
      enableBatchedOperations: true
    }

    resource subscription 'subscriptions' = {
      name: subscriptionName
      properties: {
        maxDeliveryCount: maxDeliveryCount
        lockDuration: lockDuration
        deadLetteringOnMessageExpiration: true
        deadLetteringOnFilterEvaluationExceptions: true
        defaultMessageTimeToLive: 'P14D'
        enableBatchedOperations: true
      }
    }
  }
}

resource dataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace::topic.id, principalId, serviceBusDataSenderRoleId)
  scope: namespace::topic
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSenderRoleId)
  }
}

resource dataReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace::topic.id, principalId, serviceBusDataReceiverRoleId)
  scope: namespace::topic
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiverRoleId)
  }
}

// The host name only (no scheme, no port), taken from the namespace's endpoint so that it holds in
// every cloud: what ServiceBusConnection__fullyQualifiedNamespace wants.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output topicName string = namespace::topic.name
output subscriptionName string = namespace::topic::subscription.name
