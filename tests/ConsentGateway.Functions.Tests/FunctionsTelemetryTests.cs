using System.Text.Json.Nodes;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The Functions app's telemetry: the worker exports to Azure Monitor (no log is sampled, so the
/// decision log is complete), and host.json never samples the logs either.
/// </summary>
public sealed class FunctionsTelemetryTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    [Fact]
    public void With_an_application_insights_connection_the_worker_exports_every_signal_to_azure_monitor_and_every_log()
    {
        using var services = Services((FunctionsTelemetryServiceCollectionExtensions.AzureMonitorConnectionKey, ConnectionString));

        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
        Assert.NotNull(services.GetService<LoggerProvider>());
        var exporter = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal(ConnectionString, exporter.ConnectionString);

        // Traces may be sampled, logs never: not even those of a trace the sampler dropped.
        Assert.False(exporter.EnableTraceBasedLogsSampler);
    }

    [Fact]
    public void With_both_settings_the_worker_exports_to_azure_monitor_and_by_otlp()
    {
        using var services = Services((FunctionsTelemetryServiceCollectionExtensions.AzureMonitorConnectionKey, ConnectionString), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"));

        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
        Assert.NotNull(services.GetService<LoggerProvider>());
    }

    [Fact]
    public void Without_a_connection_or_an_otlp_endpoint_nothing_is_registered()
    {
        using var services = Services();

        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
    }

    [Fact]
    public void The_worker_authenticates_to_application_insights_with_the_identity_the_host_uses()
    {
        Assert.IsType<ManagedIdentityCredential>(AzureMonitorAuthentication.CredentialOf("ClientId=6a1d1e4c-0000-4000-8000-000000000001;Authorization=AAD"));
        Assert.IsType<ManagedIdentityCredential>(AzureMonitorAuthentication.CredentialOf("Authorization=AAD"));
        Assert.Null(AzureMonitorAuthentication.CredentialOf(null));
        Assert.Null(AzureMonitorAuthentication.CredentialOf("Authorization=Key"));
    }

    [Fact]
    public void Host_json_never_samples_logs_and_lets_the_worker_export_them()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!;

        // The host's own telemetry by OpenTelemetry too, so worker logs go once, by the worker's exporter.
        Assert.Equal("OpenTelemetry", (string?)host["telemetryMode"]);

        // Where the host samples (Application Insights SDK mode), traces (logs) and exceptions are never among the sampled.
        var sampling = host["logging"]!["applicationInsights"]!["samplingSettings"]!;
        var excluded = ((string?)sampling["excludedTypes"] ?? "").Split(';', StringSplitOptions.TrimEntries);
        Assert.True((bool?)sampling["isEnabled"] == false || (excluded.Contains("Trace") && excluded.Contains("Exception")), sampling.ToJsonString());
        Assert.Null(sampling["includedTypes"]);
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddConsentFunctionsTelemetry(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build())
            .BuildServiceProvider();
}
