using ConsentGateway.Contracts;
using ConsentGateway.Health;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

public static class HealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>/health/live</c> (no check: the process answers) and <c>/health/ready</c> (the checks
    /// tagged <see cref="HealthTags.Ready"/>), both as JSON; 503 when a check is unhealthy.
    /// Anonymous: the answers hold no credentials and no personal data.
    /// </summary>
    public static IEndpointRouteBuilder MapConsentHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(ApiRoutes.HealthLivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportJson.WriteAsync });
        endpoints.MapHealthChecks(ApiRoutes.HealthReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready), ResponseWriter = HealthReportJson.WriteAsync });
        return endpoints;
    }
}
