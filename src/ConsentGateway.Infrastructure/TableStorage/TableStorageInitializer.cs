using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>Creates the accounts and devices tables at start if they do not exist yet.</summary>
public sealed partial class TableStorageInitializer(TableServiceClient client, IOptions<TableStorageOptions> options, ILogger<TableStorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await client.CreateTableIfNotExistsAsync(settings.AccountsTable, cancellationToken).ConfigureAwait(false);
        await client.CreateTableIfNotExistsAsync(settings.DevicesTable, cancellationToken).ConfigureAwait(false);
        LogTablesReady(logger, settings.AccountsTable, settings.DevicesTable);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Table storage ready: accounts table {AccountsTable}, devices table {DevicesTable}")]
    private static partial void LogTablesReady(ILogger logger, string accountsTable, string devicesTable);
}
