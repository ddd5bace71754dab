using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// Takes the database (opened, its schema created or migrated, when first resolved) at start, so
/// a file that cannot be used stops the start with its name; logs which file serves.
/// </summary>
public sealed partial class SqliteStoreInitializer(SqliteDatabase database, ILogger<SqliteStoreInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Once opened, the file is at the schema this program writes.
        LogStoreReady(logger, database.FilePath, SqliteSchema.CurrentVersion);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SQLite store ready: {DatabaseFile}, schema version {SchemaVersion}")]
    private static partial void LogStoreReady(ILogger logger, string databaseFile, int schemaVersion);
}
