using Azure.Data.Tables;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// Creates the accounts, devices, intents, projections and change log tables at start if they do not exist
/// yet, then reads the projection once, so the first decisions do not spend their short store
/// timeout on compiling and connecting the read path.
/// </summary>
public sealed partial class TableStorageInitializer(TableServiceClient client, IProjectionStore projections, IOptions<TableStorageOptions> options, ILogger<TableStorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var (_, name) in settings.Tables())
        {
            await client.CreateTableIfNotExistsAsync(name, cancellationToken).ConfigureAwait(false);
        }

        LogTablesReady(logger, settings.AccountsTable, settings.DevicesTable, settings.IntentsTable, settings.ProjectionsTable, settings.ChangeLogTable);
        await projections.GetAccountAsync("start-up-read", cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Table storage ready: accounts table {AccountsTable}, devices table {DevicesTable}, intents table {IntentsTable}, projections table {ProjectionsTable}, change log table {ChangeLogTable}")]
    private static partial void LogTablesReady(ILogger logger, string accountsTable, string devicesTable, string intentsTable, string projectionsTable, string changeLogTable);
}
