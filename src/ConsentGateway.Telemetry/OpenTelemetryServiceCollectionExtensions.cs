using ConsentGateway.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

public static class OpenTelemetryServiceCollectionExtensions
{
    /// <summary>The standard OpenTelemetry setting whose presence turns the OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether <see cref="OtlpEndpointKey"/> is set (in configuration or the environment).</summary>
    public static bool OtlpConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrEmpty(configuration[OtlpEndpointKey]);
    }

    /// <summary>
    /// Exports the service's traces, metrics and logs by OTLP when <see cref="OtlpEndpointKey"/> is
    /// set (protocol, headers and intervals from the standard <c>OTEL_*</c> settings). Without it
    /// nothing is registered: the instruments and activity sources still exist for in-process
    /// listeners (tests, benchmarks) and cost nothing.
    /// </summary>
    public static IServiceCollection AddOtlpTelemetry(this IServiceCollection services, IConfiguration configuration, TelemetryService service)
    {
        if (OtlpConfigured(configuration))
        {
            services.AddTelemetrySignals(service).UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// The OpenTelemetry SDK with the service's resource and every signal it reports, for the
    /// caller to add exporters to: traces of its activity sources, ASP.NET Core and HttpClient;
    /// metrics of its meters, ASP.NET Core's (<c>Microsoft.AspNetCore.Hosting</c>,
    /// <c>Microsoft.AspNetCore.Server.Kestrel</c>, …) and HttpClient's; logs, with their scopes.
    /// Call it once per host, and only when an exporter follows.
    /// </summary>
    public static OpenTelemetryBuilder AddTelemetrySignals(this IServiceCollection services, TelemetryService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(service.Name, serviceVersion: service.Version, autoGenerateServiceInstanceId: true))
            .WithTracing(tracing => tracing
                .AddSource([.. service.ActivitySources])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter([.. service.Meters])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: options => options.IncludeScopes = true);
    }
}
