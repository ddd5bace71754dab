using ConsentGateway.Server;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ServerServiceCollectionExtensions
{
    /// <summary>The key that chooses the store.</summary>
    public const string StorageProviderKey = "Consent:Storage:Provider";

    /// <summary>Everything the self-hosted gateway runs: the layers of the Functions app on the chosen store, in-process propagation, the policy file's hot switch, OpenAPI.</summary>
    public static IServiceCollection AddConsentServer(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddConsentCore(configuration)
            .AddConsentStorage(configuration)
            .AddConsentHttp(configuration)
            .AddConsentRateLimits(configuration)
            .AddConsentTelemetry(configuration)
            .AddInProcessPropagation()
            .AddPolicyFileReload(configuration)
            .AddSettingsPage(configuration)
            .AddConsentOpenApi();

    /// <summary>The stores of <see cref="StorageProviderKey"/> (SQLite when unset); any other value stops the start, naming the key.</summary>
    public static IServiceCollection AddConsentStorage(this IServiceCollection services, IConfiguration configuration) =>
        StorageProviderOf(configuration) switch
        {
            StorageProvider.TableStorage => services.AddConsentTableStorage(configuration),
            _ => services.AddConsentSqlite(configuration),
        };

    /// <exception cref="OptionsValidationException">The value names no store.</exception>
    public static StorageProvider StorageProviderOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[StorageProviderKey];
        if (string.IsNullOrEmpty(value))
        {
            return StorageProvider.Sqlite;
        }

        // Names only: Enum.TryParse would also take "1" or "Sqlite,TableStorage".
        return Enum.GetNames<StorageProvider>().FirstOrDefault(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) is { } known
            ? Enum.Parse<StorageProvider>(known)
            : throw new OptionsValidationException(StorageProviderKey, typeof(StorageProvider), [$"{StorageProviderKey} '{value}' is not a store: use {string.Join(" or ", Enum.GetNames<StorageProvider>())} (the default is {StorageProvider.Sqlite})."]);
    }
}
