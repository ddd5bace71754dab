using ConsentGateway.Client;
using ConsentGateway.EgressProxy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the redacting egress proxy (<see cref="EgressProxyServer"/> hosts it).</summary>
public static class EgressProxyServiceCollectionExtensions
{
    /// <summary>
    /// The gateway client (section <c>ConsentGateway</c>), the consent rules (section
    /// <c>ConsentProxy</c>, checked against the gateway's policy at start), YARP (section <c>ReverseProxy</c>)
    /// and its own OpenTelemetry export (when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).
    /// </summary>
    public static IServiceCollection AddConsentEgressProxy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddConsentGatewayClient(configuration.GetSection(ConsentGatewayClientOptions.SectionName));
        services.AddOptions<ConsentProxyOptions>().Bind(configuration.GetSection(ConsentProxyOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsentProxyOptions>, ConsentProxyOptionsValidator>());
        services.TryAddSingleton<ConsentRoutes>();
        services.TryAddSingleton<ConsentEnforcement>();
        services.TryAddSingleton<EgressProxyMetrics>();
        services.AddOtlpTelemetry(configuration, EgressProxyTelemetry.Service);
        services.AddHostedService<StartupPolicyCheck>();
        services.AddConsentProxyHealthChecks();
        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            // Partners learn nothing of the internal network: no X-Forwarded-*, only the headers the route allows,
            // and no trace context (the forwarder's client would otherwise add traceparent and baggage).
            .AddTransforms(context =>
            {
                context.UseDefaultForwarders = false;
                ForwardedHeaderFilter.Add(context);
            })
            .ConfigureHttpClient((_, handler) => handler.ActivityHeadersPropagator = null);
        return services;
    }
}
