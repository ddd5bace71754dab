using ConsentGateway.Server.SettingsPage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class SettingsPageServiceCollectionExtensions
{
    /// <summary>The options of the settings page (<see cref="SettingsPageOptions.SectionName"/>), checked at start.</summary>
    public static IServiceCollection AddSettingsPage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SettingsPageOptions>().Bind(configuration.GetSection(SettingsPageOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SettingsPageOptions>, SettingsPageOptionsValidator>());
        return services;
    }
}
