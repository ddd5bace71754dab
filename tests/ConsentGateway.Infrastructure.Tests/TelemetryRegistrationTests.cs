using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ConsentGateway.Infrastructure.Tests;

public class TelemetryRegistrationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:4317", true)]
    [InlineData(null, false)]
    public void Metrics_are_exported_only_when_an_otlp_endpoint_is_configured(string? endpoint, bool exported)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddConsentTelemetry(configuration).BuildServiceProvider();

        Assert.Equal(exported, services.GetService<MeterProvider>() is not null);
    }
}
