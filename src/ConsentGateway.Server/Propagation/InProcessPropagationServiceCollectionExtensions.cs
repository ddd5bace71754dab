using ConsentGateway.Core.Changes;
using ConsentGateway.Server.Propagation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class InProcessPropagationServiceCollectionExtensions
{
    /// <summary>
    /// Propagation inside the process, the self-host's transport: the in-process bus as the
    /// publisher port (the same contract as Service Bus), the worker that hands its notices to
    /// the shared consumer, and the background repair.
    /// </summary>
    public static IServiceCollection AddInProcessPropagation(this IServiceCollection services)
    {
        services.TryAddSingleton<InProcessChangeBus>();
        services.TryAddSingleton<IChangePublisher>(provider => provider.GetRequiredService<InProcessChangeBus>());
        services.TryAddSingleton<INoticesInFlight>(provider => provider.GetRequiredService<InProcessChangeBus>());
        services.AddHostedService<InProcessProjectionWorker>();
        services.AddHostedService<RepairWorker>();
        return services;
    }
}
