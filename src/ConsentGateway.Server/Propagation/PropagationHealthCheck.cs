using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// Ready while the self-host's propagation keeps up. Repair must have completed a run within
/// <see cref="RepairRunsPerAllowance"/> of its timer periods (since the start, before its first
/// run), or it is not ready: changes the bus lost would never be projected. A change that has
/// waited for its projection longer than the propagation allowance (the bound less the decision
/// budget) makes it degraded: the decision cache still trusts what it holds for one more decision
/// budget, and its own check turns unhealthy when that is over.
/// </summary>
public sealed class PropagationHealthCheck(InProcessChangeBus bus, ProjectionWatermark watermark, RepairWorker repair, TimeProvider time) : IHealthCheck
{
    public const string Name = "propagation";

    /// <summary>Timer periods a repair run may be missing before propagation is not ready (a run may fail once or twice, or be slow).</summary>
    public const int RepairRunsPerAllowance = 4;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var allowance = watermark.PropagationAllowance;
        var waited = bus.OldestUnprojected() is { } oldest ? now - oldest : TimeSpan.Zero;
        var repairAllowance = repair.Interval * RepairRunsPerAllowance;
        var sinceRepair = now - (repair.LastSucceededAt ?? repair.CreatedAt);
        var repairState = repair.LastSucceededAt is null ? "has not completed a run since its start" : "last completed a run";
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"The oldest unprojected change has waited {waited.TotalSeconds:F1} s (allowance {allowance.TotalSeconds:F1} s); repair {repairState} {sinceRepair.TotalSeconds:F1} s ago (allowance {repairAllowance.TotalSeconds:F1} s).");
        return Task.FromResult(
            sinceRepair > repairAllowance ? HealthCheckResult.Unhealthy(description)
            : waited > allowance ? HealthCheckResult.Degraded(description)
            : HealthCheckResult.Healthy(description));
    }
}
