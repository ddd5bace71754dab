using Azure.Data.Tables;
using ConsentGateway.Core;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// Creates the accounts, devices, intents, projections and change log tables at start if they do not exist
/// yet, then reads the projection once, so the first decisions do not spend their short store
/// timeout on compiling and connecting the read path. A store that does not answer at start does
/// not stop the host: it serves (readiness 503, writes 503 <c>store-unavailable</c>) while this
/// tries again every <see cref="RetryInterval"/> in the background until the store answers.
/// </summary>
public sealed partial class TableStorageInitializer(TableServiceClient client, IProjectionStore projections, IOptions<TableStorageOptions> options, TimeProvider time, ILogger<TableStorageInitializer> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            LogStoreDownAtStart(logger, RetryInterval.TotalSeconds);
            _retrying = RetryUntilReadyAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryUntilReadyAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RetryInterval, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    await InitializeAsync(stoppingToken).ConfigureAwait(false);
                    return;
                }
                catch (StoreUnavailableException)
                {
                    // Said once at start; the readiness check says it while it lasts.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the store answered.
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var (_, name) in settings.Tables())
        {
            await client.CreateTableIfNotExistsAsync(name, cancellationToken).ConfigureAwait(false);
        }

        LogTablesReady(logger, settings.AccountsTable, settings.DevicesTable, settings.IntentsTable, settings.ProjectionsTable, settings.ChangeLogTable);
        await projections.GetAccountAsync("start-up-read", cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Table storage ready: accounts table {AccountsTable}, devices table {DevicesTable}, intents table {IntentsTable}, projections table {ProjectionsTable}, change log table {ChangeLogTable}")]
    private static partial void LogTablesReady(ILogger logger, string accountsTable, string devicesTable, string intentsTable, string projectionsTable, string changeLogTable);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The table store does not answer at start: serving without it (not ready, writes answer 503) and creating the tables once it answers, trying every {Seconds} s.")]
    private static partial void LogStoreDownAtStart(ILogger logger, double seconds);
}
