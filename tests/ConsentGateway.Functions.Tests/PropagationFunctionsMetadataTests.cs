using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Http;
using ConsentGateway.Infrastructure.ServiceBus;
using ConsentGateway.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The propagation functions as the Functions host will see them: the Service Bus trigger must be
/// declared exactly as the official Service Bus extension declares it, the timer on its schedule,
/// and host.json must carry the Service Bus settings.
/// </summary>
public sealed class PropagationFunctionsMetadataTests
{
    // Written from the official extension's documented binding shape (ServiceBusTriggerAttribute on a
    // topic subscription, byte[] body, IsBatched defaulting to false, AutoCompleteMessages to true),
    // not copied from the build output.
    private const string ExpectedServiceBusTrigger = """
        {
          "name": "body",
          "direction": "In",
          "type": "serviceBusTrigger",
          "dataType": "Binary",
          "topicName": "%ServiceBusTopicName%",
          "subscriptionName": "%ServiceBusSubscriptionName%",
          "connection": "ServiceBusConnection",
          "cardinality": "One",
          "autoCompleteMessages": true,
          "properties": {}
        }
        """;

    private static readonly string OutputDirectory = AppContext.BaseDirectory;
    private static readonly JsonArray Metadata = (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "functions.metadata")))!;

    [Fact]
    public void The_projector_is_declared_with_the_official_service_bus_trigger_binding()
    {
        var function = Assert.Single(Metadata, f => (string?)f!["name"] == "ProjectChange")!;

        Assert.Equal("dotnet-isolated", (string?)function["language"]);
        Assert.Equal("ConsentGateway.Functions.ProjectChangeFunction.ProjectChange", (string?)function["entryPoint"]);

        // One binding: messageId and deliveryCount come from the trigger's binding data, not bindings of their own.
        var binding = Assert.Single(function["bindings"]!.AsArray())!;
        AssertSameJson(JsonNode.Parse(ExpectedServiceBusTrigger)!, binding);
    }

    [Fact]
    public async Task Worker_indexing_declares_the_same_trigger_as_functions_metadata()
    {
        // With worker indexing (the SDK's default) the host asks the worker, which answers from the
        // source-generated provider: its binding must be the same, less the build-time "properties".
        var functions = await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(OutputDirectory);
        var function = Assert.Single(functions, f => f.Name == "ProjectChange");

        var binding = JsonNode.Parse(Assert.Single(function.RawBindings!))!;
        var expected = JsonNode.Parse(ExpectedServiceBusTrigger)!.AsObject();
        expected.Remove("properties");
        AssertSameJson(expected, binding);
    }

    [Fact]
    public void Repair_runs_on_a_timer_whose_schedule_is_an_app_setting()
    {
        var function = Assert.Single(Metadata, f => (string?)f!["name"] == "Repair")!;

        var trigger = Assert.Single(function["bindings"]!.AsArray())!;
        Assert.Equal("timerTrigger", (string?)trigger["type"]);
        Assert.Equal("In", (string?)trigger["direction"]);
        Assert.Equal("%RepairSchedule%", (string?)trigger["schedule"]);
    }

    [Fact]
    public void The_sample_settings_give_the_trigger_its_topic_subscription_connection_and_schedule()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")))!["Values"]!;

        // The names Bicep deploys (infra/main.bicep); the publisher reads the same settings.
        Assert.Equal("consent-changes", (string?)values[ServiceBusSettings.TopicName]);
        Assert.Equal("projector", (string?)values[ServiceBusSettings.SubscriptionName]);
        Assert.False(string.IsNullOrWhiteSpace((string?)values[ServiceBusSettings.Connection]));

        // NCRONTAB with seconds: every 15 s, the Azure default (infra/main.bicep).
        Assert.Equal("*/15 * * * * *", (string?)values["RepairSchedule"]);
    }

    [Fact]
    public void The_sample_settings_pass_the_evaluation_and_proxy_start_checks()
    {
        var configuration = SampleConfiguration();
        using var services = new ServiceCollection().AddConsentFunctions(configuration).BuildServiceProvider();

        // Reading the options runs the validators the hosts run at start.
        var propagation = services.GetRequiredService<IOptions<PropagationOptions>>().Value;
        var evaluation = services.GetRequiredService<IOptions<EvaluationOptions>>().Value;
        var proxies = services.GetRequiredService<IOptions<ProxyOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(10), evaluation.EffectiveDecisionBudget(propagation.StalenessBound));
        Assert.Equal(TimeSpan.FromMilliseconds(100), evaluation.StoreTimeout);
        var proxy = services.GetRequiredService<ProxyAuthenticator>().Authenticate(SampleProxyKey);
        Assert.NotNull(proxy);
        Assert.Equal("nginx_egress", proxy.Name);
        Assert.True(proxy.MayAskAbout("google"));
        Assert.False(proxy.MayAskAbout("facebook"));
        Assert.Single(proxies.Proxies);
    }

    [Fact]
    public void The_sample_settings_keep_the_staleness_budget()
    {
        var configuration = SampleConfiguration();
        using var services = new ServiceCollection().AddConsentFunctions(configuration).BuildServiceProvider();
        var propagation = services.GetRequiredService<IOptions<PropagationOptions>>().Value;
        var evaluation = services.GetRequiredService<IOptions<EvaluationOptions>>().Value;

        // A lost notice is published again by the first Repair run after the repair delay (NCRONTAB
        // "*/N * * * * *": at most N s later), and a decision may lag it by the decision budget after that;
        // 5 s are left for the republished notice's delivery and projection.
        var seconds = Assert.Single(System.Text.RegularExpressions.Regex.Matches(configuration["RepairSchedule"]!, @"^\*/(\d+) \* \* \* \* \*$")).Groups[1].Value;
        var worstCase = propagation.EffectiveRepairDelay + TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)) + evaluation.EffectiveDecisionBudget(propagation.StalenessBound);

        Assert.True(worstCase + TimeSpan.FromSeconds(5) <= propagation.StalenessBound, $"Repair delay + repair period + decision budget = {worstCase}, with 5 s for the projection over the bound {propagation.StalenessBound}.");
    }

    [Fact]
    public void The_sample_settings_hold_no_subject_hash_key()
    {
        // The decision log's HMAC key is a secret: it belongs in a secret store, never in a sample.
        Assert.Null(SampleConfiguration()["Consent:Evaluation:SubjectHashKey"]);
    }

    [Fact]
    public void The_sample_settings_hold_no_consistency_token_key()
    {
        // Instances must share it, so it is a secret of the deployment (Key Vault), never in a sample.
        Assert.Null(SampleConfiguration()["Consent:ConsistencyTokens:Key"]);
        Assert.Null(SampleConfiguration()["Consent:ConsistencyTokens:PreviousKey"]);
    }

    [Fact]
    public async Task The_sample_settings_pass_the_publishers_start_checks()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        var configuration = SampleConfiguration();
        await using var services = new ServiceCollection().AddConsentFunctions(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<ServiceBusOptions>>().Value;

        Assert.Equal((string?)values[ServiceBusSettings.TopicName], services.GetRequiredService<ServiceBusSender>().EntityPath);
        Assert.Equal((string?)values[ServiceBusSettings.SubscriptionName], options.SubscriptionName);
    }

    [Fact]
    public void Host_json_configures_service_bus_concurrency_settlement_and_retries()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "host.json")))!;
        var serviceBus = host["extensions"]!["serviceBus"]!;

        Assert.True((bool)serviceBus["autoCompleteMessages"]!);
        Assert.InRange((int)serviceBus["maxConcurrentCalls"]!, 1, 64);
        Assert.InRange((int)serviceBus["prefetchCount"]!, 0, 100);
        Assert.InRange(TimeSpan.Parse((string)serviceBus["maxAutoLockRenewalDuration"]!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

        var retry = serviceBus["clientRetryOptions"]!;
        Assert.Equal("exponential", (string?)retry["mode"]);
        Assert.InRange((int)retry["maxRetries"]!, 1, 10);
        var delay = TimeSpan.Parse((string)retry["delay"]!, System.Globalization.CultureInfo.InvariantCulture);
        var maxDelay = TimeSpan.Parse((string)retry["maxDelay"]!, System.Globalization.CultureInfo.InvariantCulture);
        var tryTimeout = TimeSpan.Parse((string)retry["tryTimeout"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(delay > TimeSpan.Zero && delay <= maxDelay && maxDelay <= tryTimeout);
    }

    [Fact]
    public void Host_json_fixes_the_triggers_concurrency_and_uses_no_sessions()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "host.json")))!;
        var serviceBus = host["extensions"]!["serviceBus"]!;

        // Static concurrency: with dynamic concurrency on, the host would ignore maxConcurrentCalls.
        Assert.False((bool)host["concurrency"]!["dynamicConcurrencyEnabled"]!);

        // A prefetch far beyond what the instance runs would hold messages (and their locks) away from other instances.
        Assert.InRange((int)serviceBus["prefetchCount"]!, 0, 2 * (int)serviceBus["maxConcurrentCalls"]!);

        // No sessions (docs/functions.md): no session settings, and the trigger does not ask for them.
        Assert.Null(serviceBus["maxConcurrentSessions"]);
        Assert.Null(serviceBus["sessionIdleTimeout"]);
        var trigger = Metadata
            .Single(f => (string?)f!["name"] == "ProjectChange")!["bindings"]!.AsArray()
            .Single(b => (string?)b!["type"] == "serviceBusTrigger")!;
        Assert.Null(trigger["isSessionsEnabled"]);
    }

    // The example key whose SHA-256 the sample configures for proxy "nginx_egress" (underscores: App Service on Linux refuses hyphens in setting names) (not a secret).
    private const string SampleProxyKey = "EXAMPLE-ONLY-nginx-egress-key-not-a-real-secret";

    // App settings reach the worker as environment variables: "__" separates sections.
    internal static IConfiguration SampleConfiguration()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        return new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), (string?)v.Value)))
            .Build();
    }

    private static void AssertSameJson(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected.ToJsonString()}{Environment.NewLine}but got  {actual.ToJsonString()}");
}
