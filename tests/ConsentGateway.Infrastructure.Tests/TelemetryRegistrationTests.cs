using ConsentGateway.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ConsentGateway.Infrastructure.Tests;

public class TelemetryRegistrationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:4317", true)]
    [InlineData(null, false)]
    public void Traces_metrics_and_logs_are_exported_only_when_an_otlp_endpoint_is_configured(string? endpoint, bool exported)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddConsentTelemetry(configuration).BuildServiceProvider();

        Assert.Equal(exported, services.GetService<TracerProvider>() is not null);
        Assert.Equal(exported, services.GetService<MeterProvider>() is not null);
        Assert.Equal(exported, services.GetService<LoggerProvider>() is not null);
    }

    [Fact]
    public void The_gateway_reports_as_consent_gateway_with_its_version_and_core_s_meters_and_source()
    {
        var service = GatewayTelemetry.Service;

        Assert.Equal("consent-gateway", service.Name);
        Assert.False(string.IsNullOrEmpty(service.Version));
        Assert.Equal(["ConsentGateway.Propagation", "ConsentGateway.Evaluation", "ConsentGateway.Policy"], service.Meters);
        Assert.Equal(["ConsentGateway"], service.ActivitySources);
    }
}
