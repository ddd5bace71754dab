using ConsentGateway.Client;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// Before the proxy listens: reads the gateway's policy and checks that every rule names only its
/// partners and data items, so that a typo stops the start naming the setting instead of failing
/// every request of the route. A gateway that cannot be asked is tried again, once a second, for
/// <see cref="ConsentProxyOptions.PolicyReadTimeout"/>; one that refuses (a wrong key) stops the start at once.
/// </summary>
internal sealed class StartupPolicyCheck(
    IConsentGatewayClient gateway,
    ConsentRoutes routes,
    IOptions<ConsentProxyOptions> options,
    IOptions<ConsentGatewayClientOptions> client,
    TimeProvider time,
    ILogger<StartupPolicyCheck> logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var policy = PolicyNames.Of(await ReadPolicyAsync(cancellationToken));
        var failures = new List<string>();
        foreach (var route in routes.All)
        {
            route.CheckAgainst(policy, failures);
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(ConsentProxyOptions.SectionName, typeof(ConsentProxyOptions), failures);
        }

        EgressProxyLog.RulesChecked(logger, routes.All.Count, policy.Version);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<PolicyResponse> ReadPolicyAsync(CancellationToken cancellationToken)
    {
        var address = client.Value.BaseAddress;
        var timeout = options.Value.PolicyReadTimeout;
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await gateway.GetPolicyAsync(cancellationToken);
            }
            catch (ConsentGatewayException refused) when (refused.Refusal is { } refusal)
            {
                throw new InvalidOperationException(
                    $"The consent gateway at {address} refused to give its policy ({ApiRoutes.PolicyPath}: {refusal.Status} {refusal.Code}), which the proxy checks its rules against before it starts: " +
                    $"check {ConsentGatewayClientOptions.SectionName}:{nameof(ConsentGatewayClientOptions.ProxyKey)} (the gateway must know its SHA-256) and {ConsentGatewayClientOptions.SectionName}:{nameof(ConsentGatewayClientOptions.BaseAddress)}.",
                    refused);
            }
            catch (ConsentGatewayException unavailable)
            {
                var remaining = timeout - time.GetElapsedTime(started);
                if (remaining <= RetryDelay)
                {
                    throw new InvalidOperationException(
                        $"The consent gateway at {address} could not be asked for its policy ({ApiRoutes.PolicyPath}) within {ConsentProxyOptions.SectionName}:{nameof(ConsentProxyOptions.PolicyReadTimeout)} ({timeout}, {attempt} attempts), " +
                        $"and the proxy checks its rules against it before it starts: start the gateway, or check {ConsentGatewayClientOptions.SectionName}:{nameof(ConsentGatewayClientOptions.BaseAddress)}. Last failure: {unavailable.Message}",
                        unavailable);
                }

                EgressProxyLog.PolicyUnavailable(logger, address, attempt, remaining, unavailable);
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
        }
    }
}
