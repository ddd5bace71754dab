using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports the gateway's OpenTelemetry metrics (propagation lag, repairs, dead letters;
    /// decisions by outcome and reason, cache hits and misses, store timeouts) by
    /// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured; without it the instruments
    /// still exist for in-process listeners (tests, benchmarks) and cost nothing.
    /// </summary>
    public static IServiceCollection AddConsentTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PropagationMetrics.MeterName, EvaluationMetrics.MeterName).AddOtlpExporter());
        }

        return services;
    }
}
