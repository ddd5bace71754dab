using Azure.Core;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.TableStorage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class TableStorageServiceCollectionExtensions
{
    /// <summary>
    /// The Table Storage stores as the Core ports: <see cref="TableStorageOptions"/> from
    /// <c>Consent:Storage</c> (validated at start), one <see cref="TableServiceClient"/> through
    /// <c>Microsoft.Extensions.Azure</c>, the account and device stores, the intent log, the
    /// projection store and the change log (its clock skew from <see cref="ChangeLogOptions"/>), and
    /// a hosted service that creates the five tables at start (in the background until the store
    /// answers); a table found missing later is created again (<see cref="MissingTablePolicy"/>). Registrations made before this call
    /// are kept (tests put fakes in that way).
    /// </summary>
    public static IServiceCollection AddConsentTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TableStorageOptions.SectionName);

        services.AddOptions<TableStorageOptions>()
            .Bind(section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TableStorageOptions>, TableStorageOptionsValidator>());

        services.AddAzureClients(clients => clients
            .AddClient<TableServiceClient, TableClientOptions>((clientOptions, credential, provider) =>
            {
                var storage = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
                TableServiceClient? service = null;
                clientOptions.AddPolicy(
                    new MissingTablePolicy([.. storage.Tables().Select(table => table.Name)], () => service!, provider.GetRequiredService<ILogger<MissingTablePolicy>>()),
                    HttpPipelinePosition.PerCall);
                ConfigureOutageHandling(clientOptions, storage);
                service = storage.ServiceUri is { } serviceUri
                    ? new TableServiceClient(serviceUri, credential, clientOptions)
                    : new TableServiceClient(storage.ConnectionString, clientOptions);
                return service;
            })

            // The credential the section names: credential = managedidentity (with clientId for a
            // user-assigned identity) gives ManagedIdentityCredential; otherwise the default one.
            .WithCredential(provider => provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section))

            // Request URIs hold the partition and row keys, that is user and device ids: the SDK's
            // request log (forwarded to ILogger by AddAzureClients) would print them.
            .ConfigureOptions(clientOptions => clientOptions.Diagnostics.IsLoggingEnabled = false));

        services.TryAddSingleton<IAccountStore>(provider => new TableAccountStore(TableOf(provider, static storage => storage.AccountsTable)));
        services.TryAddSingleton<IDeviceStore>(provider => new TableDeviceStore(TableOf(provider, static storage => storage.DevicesTable)));
        services.TryAddSingleton<IIntentLog>(provider => new TableIntentLog(TableOf(provider, static storage => storage.IntentsTable)));
        services.TryAddSingleton(provider => new TableProjectionStore(TableOf(provider, static storage => storage.ProjectionsTable)));
        services.TryAddSingleton<IProjectionStore>(provider => provider.GetRequiredService<TableProjectionStore>());
        services.TryAddSingleton<IProjectionScan>(provider => provider.GetRequiredService<TableProjectionStore>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChangeLog>(provider => new TableChangeLog(
            TableOf(provider, static storage => storage.ChangeLogTable),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<ChangeLogOptions>>(),
            provider.GetRequiredService<ILogger<TableChangeLog>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TableStorageInitializer>());
        return services;
    }

    /// <summary>
    /// A short timeout per try and a few fixed pauses instead of the SDK's defaults (100 s per
    /// try, 3 retries growing from 0.8 s): a call to a store that is gone gives up within
    /// <see cref="TableStorageOptions.WorstCallTime"/>, and <see cref="StoreOutagePolicy"/> then
    /// says so as one <c>StoreUnavailableException</c>.
    /// </summary>
    private static void ConfigureOutageHandling(TableClientOptions clientOptions, TableStorageOptions storage)
    {
        clientOptions.Retry.Mode = RetryMode.Fixed;
        clientOptions.Retry.NetworkTimeout = storage.RequestTimeout;
        clientOptions.Retry.MaxRetries = storage.MaxRetries;
        clientOptions.Retry.Delay = storage.RetryDelay;
        clientOptions.AddPolicy(new StoreOutagePolicy(), HttpPipelinePosition.PerCall);
    }

    private static TableClient TableOf(IServiceProvider provider, Func<TableStorageOptions, string> tableName) =>
        provider.GetRequiredService<TableServiceClient>().GetTableClient(tableName(provider.GetRequiredService<IOptions<TableStorageOptions>>().Value));
}
