using ConsentGateway.EgressProxy;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the redacting egress proxy's routes.</summary>
public static class EgressProxyEndpointRouteBuilderExtensions
{
    /// <summary>Maps YARP's routes with the consent step in front of the forwarding.</summary>
    public static IEndpointRouteBuilder MapConsentEgressProxy(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var enforcement = endpoints.ServiceProvider.GetRequiredService<ConsentEnforcement>();
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => enforcement.InvokeAsync(context, next));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
