using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.EgressProxy;

/// <summary>Ready when the proxy has routes to forward, each with its consent rule (checked at start against the gateway's policy).</summary>
internal sealed class RoutesHealthCheck(ConsentRoutes routes) : IHealthCheck
{
    public const string Name = "routes";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(routes.All.Count == 0
            ? HealthCheckResult.Unhealthy($"No route is configured (sections ReverseProxy:Routes and {ConsentProxyOptions.SectionName}:Routes): the proxy forwards nothing.")
            : HealthCheckResult.Healthy($"{routes.All.Count} route(s) with a consent rule."));
}
