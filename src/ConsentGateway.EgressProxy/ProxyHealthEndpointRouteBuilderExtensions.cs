using ConsentGateway.Contracts;
using ConsentGateway.EgressProxy;
using ConsentGateway.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the redacting proxy's health endpoints.</summary>
public static class ProxyHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>/health/live</c> (no check: the process answers) and <c>/health/ready</c> (routes
    /// configured, the gateway answering), JSON as the gateway's; 503 when not ready. Anonymous,
    /// and never forwarded to a partner: these paths are matched before YARP's routes.
    /// </summary>
    public static IEndpointRouteBuilder MapConsentProxyHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(ApiRoutes.HealthLivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportJson.WriteAsync });
        endpoints.MapHealthChecks(ApiRoutes.HealthReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ProxyHealth.ReadyTag), ResponseWriter = HealthReportJson.WriteAsync });
        return endpoints;
    }
}
