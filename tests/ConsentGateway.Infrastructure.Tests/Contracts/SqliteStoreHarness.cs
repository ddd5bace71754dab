using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter on a fresh database file in the temporary directory, deleted (with its WAL, index and lock) on dispose.</summary>
public sealed class SqliteStoreHarness : IStoreHarness
{
    private readonly string _path = NewPath();
    private SqliteDatabase? _database;

    private SqliteDatabase Database => _database ??= SqliteDatabase.Open(_path);

    public Task<IAccountStore> CreateAccountStoreAsync(CancellationToken cancellationToken) => Task.FromResult<IAccountStore>(new SqliteAccountStore(Database));

    public Task<IDeviceStore> CreateDeviceStoreAsync(CancellationToken cancellationToken) => Task.FromResult<IDeviceStore>(new SqliteDeviceStore(Database));

    public Task<IIntentLog> CreateIntentLogAsync(CancellationToken cancellationToken) => Task.FromResult<IIntentLog>(new SqliteIntentLog(Database));

    public Task<IProjectionStore> CreateProjectionStoreAsync(CancellationToken cancellationToken) => Task.FromResult<IProjectionStore>(new SqliteProjectionStore(Database));

    public Task<IChangeLog> CreateChangeLogAsync(CancellationToken cancellationToken) => Task.FromResult<IChangeLog>(new SqliteChangeLog(Database, TimeProvider.System));

    /// <summary>Closes the file and opens it again: what a restarted server finds.</summary>
    public async Task<IChangeLog> ReopenChangeLogAsync(CancellationToken cancellationToken)
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }

        return new SqliteChangeLog(Database, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            SqliteFiles.Delete(_path);
        }
    }

    /// <summary>A new file path under the temporary directory.</summary>
    public static string NewPath() => Path.Combine(Path.GetTempPath(), "consent-gateway-tests", Guid.NewGuid().ToString("N") + ".db");
}
