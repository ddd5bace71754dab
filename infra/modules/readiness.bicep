// The deployment's health signal. The Flex Consumption plan has no App Service health check
// (siteConfig.healthCheckPath is for dedicated and Premium plans), so Application Insights asks
// /api/health/ready from several regions instead (a standard availability test) and an alert
// fires when two regions fail: the policy is not loaded, the store does not answer within the
// store timeout, or the decision cache no longer follows the change log (docs/operations.md).

@description('Name of the availability test and of its alert.')
param name string

@description('Azure region of the test resource (the probes run from testLocations).')
param location string

@description('Resource id of the Application Insights component the results go to.')
param appInsightsId string

@description('Host name of the Function App (defaultHostName).')
param hostName string

@description('Path of the readiness endpoint, below the host.')
param readinessPath string = '/api/health/ready'

@description('Seconds between probes from each location (300, 600 or 900).')
@allowed([300, 600, 900])
param frequencySeconds int = 300

@description('Probe locations (Application Insights availability location ids).')
param testLocations array = [
  'emea-nl-ams-azr'
  'emea-gb-db3-azr'
  'us-va-ash-azr'
]

param tags object = {}

resource readiness 'Microsoft.Insights/webtests@2022-06-15' = {
  name: name
  location: location
  // Links the test to its component, as the portal does.
  tags: union(tags, { 'hidden-link:${appInsightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: name
    Name: name
    Description: 'GET ${readinessPath}: 200 while the gateway is ready, 503 when a check is not.'
    Enabled: true
    Frequency: frequencySeconds
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [for id in testLocations: { Id: id }]
    Request: {
      RequestUrl: 'https://${hostName}${readinessPath}'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 14
    }
  }
}

resource notReady 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${name}-alert'
  location: 'global'
  tags: tags
  properties: {
    description: 'The gateway answers ${readinessPath} with something other than 200 from two or more locations.'
    severity: 1
    enabled: true
    scopes: [
      readiness.id
      appInsightsId
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: readiness.id
      componentId: appInsightsId
      failedLocationCount: 2
    }
  }
}

output webTestId string = readiness.id
