using System.Globalization;
using System.Text.Json.Nodes;
using ConsentGateway.Infrastructure.ServiceBus;

namespace ConsentGateway.Bicep.Tests;

/// <summary>The Function App's settings: identity-based connections only, and every setting the app reads.</summary>
public sealed class AppSettingsTests
{
    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData(ServiceBusSettings.Connection)]
    [InlineData("Consent__Storage__ConnectionString")]
    [InlineData("AzureWebJobsDashboard")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("APPINSIGHTS_INSTRUMENTATIONKEY")]
    public void No_connection_string_setting_is_present(string setting)
    {
        Assert.DoesNotContain(setting, CompiledTemplate.AppSettings().Keys, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_only_connection_string_setting_is_application_insights_from_the_component()
    {
        var connectionStrings = CompiledTemplate.AppSettings().Where(s => s.Key.Replace("_", "", StringComparison.Ordinal).Contains("CONNECTIONSTRING", StringComparison.OrdinalIgnoreCase)).ToList();

        var (key, (template, value)) = Assert.Single(connectionStrings);
        Assert.Equal("APPLICATIONINSIGHTS_CONNECTION_STRING", key);
        // Not a literal: the component's ConnectionString (endpoint + key, which is no credential with local auth disabled).
        var source = template.Resolve(value);
        Assert.False(source.IsKnown && source.Value is not null, $"APPLICATIONINSIGHTS_CONNECTION_STRING is a literal: {source.Text}");
        Assert.Contains("appInsightsConnectionString", value!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_setting_value_looks_like_a_credential()
    {
        string[] credentialMarkers = ["AccountKey=", "SharedAccessKey=", "SharedAccessSignature", "InstrumentationKey=", "listKeys", "listConnectionStrings", "sig=", "Password="];
        foreach (var (name, (template, value)) in CompiledTemplate.AppSettings())
        {
            var text = value?.ToJsonString() ?? "";
            var resolved = template.Resolve(value).Text ?? "";
            foreach (var marker in credentialMarkers)
            {
                Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase) || resolved.Contains(marker, StringComparison.OrdinalIgnoreCase), $"App setting {name} looks like a credential ({marker}).");
            }
        }
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData(ServiceBusSettings.Connection)]
    public void Host_connections_are_identity_based_with_the_user_assigned_identity(string connection)
    {
        var settings = CompiledTemplate.AppSettings();

        Assert.Equal("managedidentity", Literal(settings, $"{connection}__credential"));
        Assert.Contains("identityClientId", Literal(settings, $"{connection}__clientId"), StringComparison.Ordinal);
        var locator = connection == "AzureWebJobsStorage" ? "__accountName" : "__fullyQualifiedNamespace";
        Assert.True(settings.ContainsKey(connection + locator), $"{connection}{locator} is missing.");
    }

    [Fact]
    public void The_tables_are_reached_by_their_endpoint_with_the_identity()
    {
        var settings = CompiledTemplate.AppSettings();

        Assert.Contains("tableEndpoint", Literal(settings, "Consent__Storage__ServiceUri"), StringComparison.Ordinal);
        Assert.Equal("managedidentity", Literal(settings, "Consent__Storage__credential"));
        Assert.Contains("identityClientId", Literal(settings, "Consent__Storage__clientId"), StringComparison.Ordinal);
    }

    [Fact]
    public void Application_insights_telemetry_is_sent_with_the_identity_token()
    {
        var value = Literal(CompiledTemplate.AppSettings(), "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");

        Assert.Contains("ClientId=", value, StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", value, StringComparison.Ordinal);
        Assert.Contains("identityClientId", value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServiceBusSettings.TopicName, "consent-changes")]
    [InlineData(ServiceBusSettings.SubscriptionName, "projector")]
    [InlineData("RepairSchedule", "*/15 * * * * *")]
    [InlineData("Consent__Propagation__StalenessBound", "00:01:00")]
    [InlineData("Consent__Propagation__RepairDelay", "00:00:20")]
    [InlineData("Consent__Propagation__MaxDeliveryCount", "10")]
    [InlineData("Consent__Evaluation__DecisionBudget", "00:00:10")]
    public void Settings_the_app_reads_have_their_documented_defaults(string setting, string expected)
    {
        Assert.Equal(expected, CompiledTemplate.DefaultValue(setting));
    }

    [Fact]
    public void The_evaluation_cache_ttl_is_its_own_parameter_positive_and_at_most_half_the_bound()
    {
        var (template, value) = CompiledTemplate.AppSettings()["Consent__Evaluation__DecisionBudget"];

        var resolved = template.Resolve(value);
        var ttl = TimeSpan.Parse(resolved.Text!, CultureInfo.InvariantCulture);
        var bound = TimeSpan.Parse(CompiledTemplate.DefaultValue("Consent__Propagation__StalenessBound")!, CultureInfo.InvariantCulture);

        Assert.Equal("evaluationDecisionBudget", resolved.RootParameter);
        Assert.Equal(TimeSpan.FromSeconds(10), ttl);
        // What the app's start check (Consent:Evaluation:DecisionBudget) demands.
        Assert.True(ttl > TimeSpan.Zero && ttl <= bound / 2, $"DecisionBudget {ttl} must be positive and at most half the bound {bound}.");
    }

    [Fact]
    public void Evaluated_with_its_defaults_the_template_sets_exactly_the_settings_written_in_it_and_no_proxy()
    {
        // The ARM engine's own evaluation (bicep snapshot): what the computed part of appSettings
        // adds by default is nothing, and every literal setting keeps the value read above.
        var evaluated = Bicep.Snapshot().AppSettings();
        var written = CompiledTemplate.AppSettings();

        Assert.Equal(["proxySettings"], CompiledTemplate.ComputedAppSettingVariables());
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), evaluated.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(evaluated, s => s.Name.StartsWith("Consent__Proxies__", StringComparison.OrdinalIgnoreCase));
        foreach (var (name, value) in evaluated)
        {
            if (CompiledTemplate.DefaultValue(name) is { } expected)
            {
                Assert.True(expected == value, $"{name}: evaluated {value}, read from the template as {expected}.");
            }
        }
    }

    [Theory]
    [InlineData("Consent__Auth__Issuer", "authIssuer")]
    [InlineData("Consent__Auth__Audience", "authAudience")]
    [InlineData("Consent__Auth__Authority", "authAuthority")]
    public void Jwt_settings_come_from_required_parameters(string setting, string parameter)
    {
        var (template, value) = CompiledTemplate.AppSettings()[setting];

        var resolved = template.Resolve(value);

        Assert.Equal(parameter, resolved.RootParameter);
        Assert.False(resolved.IsKnown, $"{parameter} has a default; it must be given at deployment.");
    }

    [Fact]
    public void The_consumer_max_delivery_count_is_the_same_parameter_as_the_subscription_s()
    {
        var (template, value) = CompiledTemplate.AppSettings()["Consent__Propagation__MaxDeliveryCount"];
        var (subscriptionTemplate, subscription) = CompiledTemplate.Single("Microsoft.ServiceBus/namespaces/topics/subscriptions");

        var setting = template.Resolve(value);
        var subscriptionValue = subscriptionTemplate.Resolve(subscription["properties"]!["maxDeliveryCount"]);

        Assert.Equal("maxDeliveryCount", setting.RootParameter);
        Assert.Equal("maxDeliveryCount", subscriptionValue.RootParameter);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    public void Settings_flex_consumption_rejects_are_absent(string setting)
    {
        Assert.DoesNotContain(setting, CompiledTemplate.AppSettings().Keys, StringComparer.OrdinalIgnoreCase);
    }

    // The setting's value as written in the template: a literal, or the expression that computes it.
    private static string Literal(IReadOnlyDictionary<string, (ArmTemplate Template, JsonNode? Value)> settings, string name)
    {
        Assert.True(settings.TryGetValue(name, out var entry), $"App setting {name} is missing.");
        return entry.Value!.GetValue<string>();
    }
}
