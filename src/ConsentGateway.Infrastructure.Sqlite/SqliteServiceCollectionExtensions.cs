using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// The SQLite stores as the Core ports: <see cref="SqliteStorageOptions"/> from
    /// <c>Consent:Storage</c> (validated at start), one <see cref="SqliteDatabase"/> (disposed
    /// with the container, which commits what is queued and closes the file), the account and
    /// device stores, the intent log, the projection store and the change log, and a hosted
    /// service that opens the file at start. Registrations made before this call are kept.
    /// </summary>
    public static IServiceCollection AddConsentSqlite(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SqliteStorageOptions>()
            .Bind(configuration.GetSection(SqliteStorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>());

        services.TryAddSingleton(provider => SqliteDatabase.Open(provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.SqlitePath));
        services.TryAddSingleton<IAccountStore>(provider => new SqliteAccountStore(provider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IDeviceStore>(provider => new SqliteDeviceStore(provider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IIntentLog>(provider => new SqliteIntentLog(provider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton(provider => new SqliteProjectionStore(provider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IProjectionStore>(provider => provider.GetRequiredService<SqliteProjectionStore>());
        services.TryAddSingleton<IProjectionScan>(provider => provider.GetRequiredService<SqliteProjectionStore>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChangeLog>(provider => new SqliteChangeLog(provider.GetRequiredService<SqliteDatabase>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteStoreInitializer>());
        return services;
    }
}
