using ConsentGateway.Client;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// Ready while the consent gateway answers the proxy's own call for its policy
/// (<c>/api/v1/policy</c>, with the proxy's key: a wrong key shows here too) within
/// <see cref="Timeout"/>. The answer is kept for <see cref="CacheFor"/> and shared by the probes
/// that come meanwhile, so a storm of probes asks the gateway once every few seconds.
/// </summary>
internal sealed class GatewayHealthCheck(IConsentGatewayClient gateway, TimeProvider time) : IHealthCheck
{
    public const string Name = "gateway";

    /// <summary>How long the gateway may take to answer: short, a probe's own timeout is a few seconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>How long an answer stands for the probes after it.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _answer;
    private long _askedAt;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> answer;
        lock (_lock)
        {
            if (_answer is null || (_answer.IsCompleted && time.GetElapsedTime(_askedAt) >= CacheFor))
            {
                _askedAt = time.GetTimestamp();
                _answer = AskAsync();
            }

            answer = _answer;
        }

        return answer.WaitAsync(cancellationToken);
    }

    // Not cancelled by the probe that started it: the others share it.
    private async Task<HealthCheckResult> AskAsync()
    {
        using var deadline = new CancellationTokenSource(Timeout, time);
        try
        {
            var policy = await gateway.GetPolicyAsync(deadline.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The gateway answered {ApiRoutes.PolicyPath} (policy {policy.PolicyVersion}).");
        }
        catch (ConsentGatewayException refused) when (refused.Refusal is { } refusal)
        {
            return HealthCheckResult.Unhealthy($"The gateway refused {ApiRoutes.PolicyPath} ({refusal.Status} {refusal.Code}): check ConsentGateway:ProxyKey.");
        }
        catch (Exception ex) when (ex is ConsentGatewayException or HttpRequestException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The gateway did not answer {ApiRoutes.PolicyPath} within {Timeout.TotalSeconds:F0} s ({ex.GetType().Name}).");
        }
    }
}
