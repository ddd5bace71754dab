using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Http;

/// <summary>Ready once the policy document is loaded and compiled; names its version (public, as <c>/api/v1/policy</c> is).</summary>
public sealed class PolicyHealthCheck(CompiledPolicy policy) : IHealthCheck
{
    public const string Name = "policy";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy($"Policy {policy.Version} is loaded."));
}
