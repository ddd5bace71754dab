using ConsentGateway.Core.Changes;
using ConsentGateway.Http;
using ConsentGateway.Server.Propagation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class InProcessPropagationServiceCollectionExtensions
{
    /// <summary>
    /// Propagation inside the process, the self-host's transport: the in-process bus as the
    /// publisher port (the same contract as Service Bus), the worker that hands its notices to
    /// the shared consumer, the background repair, the watermark that tells the decision
    /// cache how far it knows every change, and the readiness check of both.
    /// </summary>
    public static IServiceCollection AddInProcessPropagation(this IServiceCollection services)
    {
        services.TryAddSingleton<InProcessChangeBus>();
        services.TryAddSingleton<IChangePublisher>(provider => provider.GetRequiredService<InProcessChangeBus>());
        services.TryAddSingleton<INoticesInFlight>(provider => provider.GetRequiredService<InProcessChangeBus>());
        services.TryAddSingleton<IUnconfirmedWrites>(provider => provider.GetRequiredService<InProcessChangeBus>());
        services.AddHostedService<InProcessProjectionWorker>();
        services.TryAddSingleton<RepairWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<RepairWorker>());
        services.TryAddSingleton<ProjectionWatermark>();
        services.AddHostedService(provider => provider.GetRequiredService<ProjectionWatermark>());
        services.AddHealthChecks().AddCheck<PropagationHealthCheck>(PropagationHealthCheck.Name, tags: [HealthTags.Ready]);
        return services;
    }
}
