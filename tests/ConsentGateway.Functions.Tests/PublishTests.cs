using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using ConsentGateway.Testing;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The deployment package, as <c>dotnet publish</c> makes it (without the switch for the official
/// Service Bus extension, which is not served here): every function the host must index, with its
/// trigger and settings, and the host.json the host will read.
/// </summary>
public sealed class PublishTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "consent-functions-publish-" + Guid.NewGuid().ToString("N"));
    private JsonArray _metadata = null!;
    private JsonNode _host = null!;

    public async Task InitializeAsync()
    {
        // The build of this test run (test.sh builds Release) is published as is: no second build racing the other test projects.
        var configuration = typeof(PublishTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var project = Path.Combine(Repository.Root, "src", "ConsentGateway.Functions", "ConsentGateway.Functions.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["publish", project, "--no-build", "-c", configuration, "-o", _output, "--nologo"])
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:{Environment.NewLine}{await output}{await errors}");

        _metadata = (JsonArray)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "functions.metadata")))!;
        _host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "host.json")))!;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void The_package_holds_the_worker_and_its_configuration()
    {
        foreach (var file in (string[])["ConsentGateway.Functions.dll", "worker.config.json", "functions.metadata", "host.json"])
        {
            Assert.True(File.Exists(Path.Combine(_output, file)), file);
        }

        Assert.False(File.Exists(Path.Combine(_output, "local.settings.json")), "local settings must not be deployed");
    }

    [Fact]
    public void Every_function_is_declared_with_its_trigger_and_settings()
    {
        // Written from SPEC §4 and docs/functions.md: HTTP routes below the "api" prefix.
        var http = new Dictionary<string, (string Method, string Route)>
        {
            ["PutAccount"] = ("put", "v1/accounts/{userId}"),
            ["DeleteAccount"] = ("delete", "v1/accounts/{userId}"),
            ["GetPartnerSharing"] = ("get", "v1/accounts/{userId}/partner-sharing"),
            ["PutPartnerSharing"] = ("put", "v1/accounts/{userId}/partner-sharing"),
            ["GetPartnerSharingHistory"] = ("get", "v1/accounts/{userId}/partner-sharing/history"),
            ["GetPartnerSharingEffects"] = ("get", "v1/accounts/{userId}/partner-sharing/effects"),
            ["ExportAccount"] = ("get", "v1/accounts/{userId}/export"),
            ["PutDevice"] = ("put", "v1/devices/{adId}"),
            ["PutDeviceLink"] = ("put", "v1/devices/{adId}/accounts/{userId}"),
            ["Evaluate"] = ("post", "v1/evaluate"),
            ["EvaluateBatch"] = ("post", "v1/evaluate/batch"),
            ["GetPolicy"] = ("get", "v1/policy"),
            ["HealthLive"] = ("get", "health/live"),
            ["HealthReady"] = ("get", "health/ready"),

            // nginx auth_request and Envoy ext_authz send the original method, on any sub-path.
            ["Check"] = ("get,head,post,put,patch,delete,options", "v1/check/{*rest}"),
        };

        Assert.Equal(http.Keys.Append("ProjectChange").Append("Repair").Order(StringComparer.Ordinal), _metadata.Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal));

        foreach (var (name, (method, route)) in http)
        {
            var trigger = Trigger(name);
            Assert.Equal(("httpTrigger", route, "Anonymous"), ((string?)trigger["type"], (string?)trigger["route"], (string?)trigger["authLevel"]));
            Assert.Equal(method.Split(','), trigger["methods"]!.AsArray().Select(m => (string?)m));
        }

        var projectChange = Trigger("ProjectChange");
        Assert.Equal(
            ("serviceBusTrigger", "%ServiceBusTopicName%", "%ServiceBusSubscriptionName%", "ServiceBusConnection", "One", true),
            ((string?)projectChange["type"], (string?)projectChange["topicName"], (string?)projectChange["subscriptionName"], (string?)projectChange["connection"], (string?)projectChange["cardinality"], (bool?)projectChange["autoCompleteMessages"]));

        var repair = Trigger("Repair");
        Assert.Equal(("timerTrigger", "%RepairSchedule%"), ((string?)repair["type"], (string?)repair["schedule"]));
    }

    [Fact]
    public void The_published_host_json_routes_under_api_and_sets_service_bus_and_logging()
    {
        Assert.Equal("api", (string?)_host["extensions"]!["http"]!["routePrefix"]);
        var serviceBus = _host["extensions"]!["serviceBus"]!;
        Assert.True((bool)serviceBus["autoCompleteMessages"]!);
        Assert.InRange((int)serviceBus["maxConcurrentCalls"]!, 1, 64);
        Assert.NotNull(serviceBus["maxAutoLockRenewalDuration"]);
        Assert.Equal("Information", (string?)_host["logging"]!["logLevel"]!["default"]);
    }

    private JsonNode Trigger(string function) =>
        _metadata.Single(f => (string?)f!["name"] == function)!["bindings"]!.AsArray().Single(b => ((string?)b!["type"])!.EndsWith("Trigger", StringComparison.Ordinal))!;
}
