using System.Globalization;
using ConsentGateway.Core.Evaluation;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Http;

/// <summary>
/// Ready while the decision cache follows changes: it last knew every change less than the
/// decision budget ago (degraded past half of it). Beyond the budget its entries are no longer
/// trusted and every decision reads the store: the change log cannot be read (Azure), or a
/// change has waited too long for its projection (the self-host's store is down).
/// </summary>
public sealed class DecisionCacheHealthCheck(SubjectCache cache, TimeProvider time) : IHealthCheck
{
    public const string Name = "decision-cache";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var known = cache.ChangesKnownThrough;
        if (known == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The decision cache does not follow changes yet (no complete read of the change log, or the watermark has not run)."));
        }

        var lag = time.GetElapsedTime(known);
        var data = new Dictionary<string, object>
        {
            ["lagSeconds"] = Math.Round(lag.TotalSeconds, 3),
            ["budgetSeconds"] = cache.Budget.TotalSeconds,
        };
        var description = string.Create(CultureInfo.InvariantCulture, $"The decision cache last knew every change {lag.TotalSeconds:F3} s ago (decision budget {cache.Budget.TotalSeconds:F3} s).");
        return Task.FromResult(
            lag > cache.Budget ? HealthCheckResult.Unhealthy(description + " Decisions read the store.", data: data)
            : lag > cache.Budget / 2 ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data));
    }
}
