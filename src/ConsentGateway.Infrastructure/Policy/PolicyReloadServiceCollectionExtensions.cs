using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

public static class PolicyReloadServiceCollectionExtensions
{
    /// <summary>How often the self-host reads <c>Consent:PolicyPath</c>: a written document decides within this and one read (SPEC §3: 5 s).</summary>
    public static readonly TimeSpan PolicyFileInterval = TimeSpan.FromSeconds(1);

    /// <summary>The hot switch from the source <paramref name="watch"/> gives: one <see cref="PolicyReloader"/> run by <see cref="PolicyReloadService"/>; one per host.</summary>
    public static IServiceCollection AddPolicyReload(this IServiceCollection services, Func<IServiceProvider, PolicyWatch> watch)
    {
        services.TryAddSingleton(watch);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new PolicyReloader(
            provider.GetRequiredService<PolicyWatch>().Source,
            provider.GetRequiredService<PolicyInForce>(),
            provider.GetRequiredService<PolicyMetrics>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PolicyReloader>>()));
        services.AddHostedService<PolicyReloadService>();
        return services;
    }

    /// <summary>The self-host's hot switch: while <c>Consent:PolicyPath</c> names a file, it is read every <see cref="PolicyFileInterval"/>; without it the shipped document stays.</summary>
    public static IServiceCollection AddPolicyFileReload(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[CoreServiceCollectionExtensions.PolicyPathKey] is { Length: > 0 } path
            ? services.AddPolicyReload(_ => new PolicyWatch(new PolicyFileSource(path), PolicyFileInterval))
            : services;
    }
}
