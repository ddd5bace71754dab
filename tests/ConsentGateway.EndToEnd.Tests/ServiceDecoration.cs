using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>Wraps a registered singleton in a decorator (fault injection, monitoring).</summary>
internal static class ServiceDecoration
{
    public static void Decorate<TService>(this IServiceCollection services, Func<TService, IServiceProvider, TService> decorate)
        where TService : class
    {
        var registered = services.Last(d => d.ServiceType == typeof(TService));
        services.Remove(registered);
        services.AddSingleton(provider => decorate(Create<TService>(registered, provider), provider));
    }

    private static TService Create<TService>(ServiceDescriptor registered, IServiceProvider provider) =>
        (TService)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));
}
