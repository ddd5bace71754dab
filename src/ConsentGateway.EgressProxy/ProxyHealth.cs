using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsentGateway.EgressProxy;

/// <summary>The proxy's readiness checks: routes configured, the gateway answering.</summary>
internal static class ProxyHealth
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddConsentProxyHealthChecks(this IServiceCollection services)
    {
        // One instance, or each probe would make its own and nothing would be shared.
        services.TryAddSingleton<GatewayHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<RoutesHealthCheck>(RoutesHealthCheck.Name, tags: [ReadyTag])
            .AddCheck<GatewayHealthCheck>(GatewayHealthCheck.Name, tags: [ReadyTag]);
        return services;
    }
}
