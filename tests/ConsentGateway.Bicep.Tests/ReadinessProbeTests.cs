using System.Text.Json.Nodes;
using ConsentGateway.Contracts;

namespace ConsentGateway.Bicep.Tests;

/// <summary>
/// What the deployment watches: Flex Consumption has no App Service health check, so a standard
/// availability test asks the Functions app's <c>/api/health/ready</c> (expecting 200) and an
/// alert fires when locations fail.
/// </summary>
public sealed class ReadinessProbeTests
{
    [Fact]
    public void An_availability_test_asks_the_function_apps_readiness_path_and_expects_200()
    {
        var (template, test) = CompiledTemplate.Single("Microsoft.Insights/webtests");
        var properties = test["properties"]!;

        Assert.Equal("standard", test["kind"]!.GetValue<string>());
        Assert.Equal("/api/" + ApiRoutes.HealthReady, template.Resolve(JsonValue.Create("[parameters('readinessPath')]")).Text);
        Assert.Equal("[format('https://{0}{1}', parameters('hostName'), parameters('readinessPath'))]", properties["Request"]!["RequestUrl"]!.GetValue<string>());
        Assert.Equal("GET", properties["Request"]!["HttpVerb"]!.GetValue<string>());
        Assert.Equal(200, properties["ValidationRules"]!["ExpectedHttpStatusCode"]!.GetValue<int>());
        Assert.True(properties["Enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void The_host_name_probed_is_the_function_apps_and_an_alert_watches_the_test()
    {
        var module = CompiledTemplate.Root.OwnResources().Single(resource => resource["type"]?.ToString() == "Microsoft.Resources/deployments" && resource["name"]?.ToString() == "readiness");
        var hostName = module["properties"]!["parameters"]!["hostName"]!["value"]!.GetValue<string>();
        var (_, alert) = CompiledTemplate.Single("Microsoft.Insights/metricAlerts");
        var criteria = alert["properties"]!["criteria"]!;

        Assert.Matches(@"^\[reference\(resourceId\('Microsoft\.Resources/deployments', 'functionApp'\).*\.outputs\.defaultHostName\.value\]$", hostName);
        Assert.Equal("Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria", criteria["odata.type"]!.GetValue<string>());
        Assert.Contains("Microsoft.Insights/webtests", criteria["webTestId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(alert["properties"]!["enabled"]!.GetValue<bool>());
    }
}
