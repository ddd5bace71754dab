using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter on a fresh database file in the temporary directory, deleted (with its WAL, index and lock) on dispose.</summary>
public sealed class SqliteStoreHarness : IStoreHarness
{
    private readonly Lazy<SqliteDatabase> _database = new(() => SqliteDatabase.Open(NewPath()));

    public Task<IAccountStore> CreateAccountStoreAsync(CancellationToken cancellationToken) => Task.FromResult<IAccountStore>(new SqliteAccountStore(_database.Value));

    public Task<IDeviceStore> CreateDeviceStoreAsync(CancellationToken cancellationToken) => Task.FromResult<IDeviceStore>(new SqliteDeviceStore(_database.Value));

    public Task<IIntentLog> CreateIntentLogAsync(CancellationToken cancellationToken) => Task.FromResult<IIntentLog>(new SqliteIntentLog(_database.Value));

    public Task<IProjectionStore> CreateProjectionStoreAsync(CancellationToken cancellationToken) => Task.FromResult<IProjectionStore>(new SqliteProjectionStore(_database.Value));

    public async ValueTask DisposeAsync()
    {
        if (_database.IsValueCreated)
        {
            await _database.Value.DisposeAsync();
            SqliteFiles.Delete(_database.Value.FilePath);
        }
    }

    /// <summary>A new file path under the temporary directory.</summary>
    public static string NewPath() => Path.Combine(Path.GetTempPath(), "consent-gateway-tests", Guid.NewGuid().ToString("N") + ".db");
}
