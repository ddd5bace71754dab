using ConsentGateway.Core.Consent;
using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsentGateway.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The configuration key of an alternative policy document; empty means the shipped one.</summary>
    public const string PolicyPathKey = "Consent:PolicyPath";

    /// <summary>
    /// The policy (from <c>Consent:PolicyPath</c> or the shipped default) and the use cases.
    /// Hosts resolve <see cref="CompiledPolicy"/> at start so that an invalid document stops them.
    /// </summary>
    public static IServiceCollection AddConsentCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => PolicyLoader.Load(configuration[PolicyPathKey]));
        services.AddSingleton<AccountService>();
        return services;
    }
}
