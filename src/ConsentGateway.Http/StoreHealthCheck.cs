using System.Globalization;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Http;

/// <summary>
/// Ready while the store answers a cheap read (one point read of the projection, the read every
/// decision makes) within the time a decision waits for one (<see cref="SubjectCache.ReadTimeout"/>,
/// at least <c>Consent:Evaluation:StoreTimeout</c>). The answer names the kind of failure only:
/// an exception's message may name the store's address.
/// </summary>
public sealed class StoreHealthCheck(IProjectionStore projections, SubjectCache cache, TimeProvider time) : IHealthCheck
{
    public const string Name = "store";

    // Any key does: the check times one read, whatever it finds (an account may even have this id).
    private const string ProbeKey = "health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = cache.ReadTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = time.GetTimestamp();
        try
        {
            await projections.GetAccountAsync(ProbeKey, deadline.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"The store answered a read in {time.GetElapsedTime(started).TotalMilliseconds:F0} ms (limit {timeout.TotalMilliseconds:F0} ms)."));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"The store did not answer a read within {timeout.TotalMilliseconds:F0} ms."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The store did not answer a read ({ex.GetType().Name}).");
        }
    }
}
