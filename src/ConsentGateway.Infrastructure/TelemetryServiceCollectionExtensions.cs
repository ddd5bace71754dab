using ConsentGateway.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports the gateway's traces (decide, project, repair, watch; ASP.NET Core, HttpClient),
    /// metrics (propagation lag, repairs, dead letters; decisions and their reasons, cache hits and
    /// misses, store timeouts; HTTP server and client) and logs (the decision log among them) by
    /// OTLP as <c>service.name = consent-gateway</c> when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
    /// configured; without it nothing is exported and nothing is registered.
    /// </summary>
    public static IServiceCollection AddConsentTelemetry(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOtlpTelemetry(configuration, GatewayTelemetry.Service);
}
