using Microsoft.Data.Sqlite;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The yardstick of <c>setting-writes</c> on SQLite: bare durable inserts into table
/// <c>bench_bare</c> of the gateway's own database file (shaped like a <c>setting_history</c>
/// row: account id, version, enabled, time; primary key (account, version)). Each insert is
/// one prepared <c>INSERT</c> in autocommit mode, i.e. its own committed transaction, on a
/// connection with the gateway's settings (WAL, <c>synchronous=FULL</c>, a busy timeout), so
/// each one waits for its own fsync of the WAL. Callers share <paramref name="connections"/>
/// connections: with one, the inserts are serialized on it; with one per caller, SQLite's own
/// write lock serializes them (and its busy handler makes the losers wait).
/// </summary>
internal sealed class SqliteBareInserts : IDisposable
{
    private const int Accounts = 1_000;

    private readonly SqliteConnection[] _connections;
    private readonly SqliteCommand[] _inserts;
    private readonly SemaphoreSlim[] _gates;
    private long _version;

    private SqliteBareInserts(SqliteConnection[] connections, SqliteCommand[] inserts)
    {
        _connections = connections;
        _inserts = inserts;
        _gates = [.. connections.Select(_ => new SemaphoreSlim(1, 1))];

        // Versions go on from an earlier instance's on the same file.
        using var last = connections[0].CreateCommand();
        last.CommandText = "SELECT coalesce(max(version), 0) FROM bench_bare";
        _version = (long)last.ExecuteScalar()!;
    }

    public int Connections => _connections.Length;

    public static SqliteBareInserts Open(string path, int connections)
    {
        var opened = new SqliteConnection[connections];
        var inserts = new SqliteCommand[connections];
        for (var i = 0; i < connections; i++)
        {
            opened[i] = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
            opened[i].Open();
            Execute(opened[i], "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;");
            Execute(opened[i], "CREATE TABLE IF NOT EXISTS bench_bare (user_id TEXT NOT NULL, version INTEGER NOT NULL, enabled INTEGER, at INTEGER NOT NULL, PRIMARY KEY (user_id, version)) STRICT, WITHOUT ROWID");
            inserts[i] = opened[i].CreateCommand();
            inserts[i].CommandText = "INSERT INTO bench_bare (user_id, version, enabled, at) VALUES ($user, $version, $enabled, $at)";
            inserts[i].Parameters.Add("$user", SqliteType.Text);
            inserts[i].Parameters.Add("$version", SqliteType.Integer);
            inserts[i].Parameters.Add("$enabled", SqliteType.Integer);
            inserts[i].Parameters.Add("$at", SqliteType.Integer);
            inserts[i].Prepare();
        }

        return new SqliteBareInserts(opened, inserts);
    }

    /// <summary>One insert, committed (on disk) when the task completes.</summary>
    public async Task<long> InsertAsync(int worker, long i, CancellationToken cancellationToken)
    {
        var slot = worker % _connections.Length;
        await _gates[slot].WaitAsync(cancellationToken);
        try
        {
            var insert = _inserts[slot];
            insert.Parameters[0].Value = $"bench-{(worker * 7919 + i) % Accounts}";
            insert.Parameters[1].Value = Interlocked.Increment(ref _version);
            insert.Parameters[2].Value = i % 2 == 0;
            insert.Parameters[3].Value = DateTimeOffset.UtcNow.UtcTicks;
            insert.ExecuteNonQuery();
            return 1;
        }
        finally
        {
            _gates[slot].Release();
        }
    }

    public void Dispose()
    {
        foreach (var insert in _inserts)
        {
            insert.Dispose();
        }

        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
