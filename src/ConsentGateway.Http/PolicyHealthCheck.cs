using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Http;

/// <summary>
/// Ready once the policy document is loaded and compiled; names its version (public, as
/// <c>/api/v1/policy</c> is). A candidate refused since, or a policy source that cannot be read,
/// is degraded but serving: the version in force still decides, and the description says what to fix.
/// </summary>
public sealed class PolicyHealthCheck(PolicyInForce policies) : IHealthCheck
{
    public const string Name = "policy";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var version = policies.Current.Version;
        return Task.FromResult((policies.Refused, policies.Unreadable) switch
        {
            ({ } refused, _) => HealthCheckResult.Degraded($"Policy {version} is in force; the document read at {refused.At:O} was refused ({refused.Errors.Count} problem(s), the first: {refused.Errors[0]})."),
            (_, { } unreadable) => HealthCheckResult.Degraded($"Policy {version} is in force; its source {unreadable.Source} cannot be read since {unreadable.Since:O} ({unreadable.Reason})."),
            _ => HealthCheckResult.Healthy($"Policy {version} is loaded."),
        });
    }
}
