using ConsentGateway.Http;

namespace Microsoft.Extensions.DependencyInjection;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// The readiness checks both hosts share (<see cref="HealthTags.Ready"/>): the policy is loaded,
    /// the store answers in time, the decision cache follows changes. A host adds its own (the
    /// self-host: propagation and repair).
    /// </summary>
    public static IHealthChecksBuilder AddConsentHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<PolicyHealthCheck>(PolicyHealthCheck.Name, tags: [HealthTags.Ready])
            .AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, tags: [HealthTags.Ready])
            .AddCheck<DecisionCacheHealthCheck>(DecisionCacheHealthCheck.Name, tags: [HealthTags.Ready]);
}
