using System.Diagnostics;
using System.Globalization;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The embedded store at size, through the store ports directly (no HTTP, no use case): seeds
/// accounts into a fresh SQLite file (per account the account row with its first setting change
/// in one write, then its account projection, as the write side and the projector do), many at
/// once so group commit shares the fsyncs; then appends more history entries; measures time and
/// file size after each; then projection point reads (<see cref="SqliteProjectionStore.GetAccountAsync"/>
/// of random existing accounts) on 1 and 2 threads, beside raw reads of the same rows (the
/// store's pattern of a pooled connection and a new statement per read; a kept connection with a
/// new statement per read; bare: a kept connection and one prepared statement) to show where
/// the store's time per read goes. The file is deleted at the end.
/// </summary>
internal static class SqliteSeedBenchmark
{
    // Writes in flight: the writer commits up to 256 queued writes together.
    private const int InFlight = 256;
    private const string PolicyVersion = "2026-11-01";

    private static readonly CountryCode Germany = CountryCode.Parse("DE");
    private static readonly DateTimeOffset SignedUp = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int accounts, int history, TimeSpan readPhase)
    {
        var path = BenchFiles.NewSqlitePath();
        Console.WriteLine($"store: SQLite, fresh file {path}; {accounts} accounts, then {history} more history entries; {Environment.ProcessorCount} cores");
        try
        {
            await TimedAsync($"seeded {accounts} accounts (account row + setting change v1, then account projection)", accounts, path, SeedAccountsAsync(accounts));
            var seeded = BenchFiles.SizeOf(path);
            Console.WriteLine(Invariant($"file after seeding: {seeded:N0} bytes = {(double)seeded / accounts:F1} bytes per account"));

            await TimedAsync($"appended {history} history entries (versions 2.. of the same accounts)", history, path, AppendHistoryAsync(accounts, history));
            var grown = BenchFiles.SizeOf(path);
            Console.WriteLine(Invariant($"file after appending: {grown:N0} bytes, +{grown - seeded:N0} = {(double)(grown - seeded) / Math.Max(1, history):F1} bytes per history entry"));

            await using (var database = OpenTimed(path))
            {
                var projections = new SqliteProjectionStore(database);
                foreach (var threads in (int[])[1, 2])
                {
                    var store = await ReadsAsync(threads, readPhase, accounts, StoreRead(projections));
                    var openEach = await ReadsAsync(threads, readPhase, accounts, RawRead(path, keepConnection: false, prepareOnce: false));
                    var commandEach = await ReadsAsync(threads, readPhase, accounts, RawRead(path, keepConnection: true, prepareOnce: false));
                    var bare = await ReadsAsync(threads, readPhase, accounts, RawRead(path, keepConnection: true, prepareOnce: true));
                    Console.WriteLine(Invariant($"projection point reads, {threads} thread(s): SqliteProjectionStore.GetAccountAsync {store,9:F0} /s"));
                    Console.WriteLine(Invariant($"  raw, pooled connection opened and statement prepared per read (the store's pattern) {openEach,9:F0} /s"));
                    Console.WriteLine(Invariant($"  raw, kept connection, statement prepared per read                                  {commandEach,9:F0} /s"));
                    Console.WriteLine(Invariant($"  bare: kept connection, one prepared statement                                      {bare,9:F0} /s"));
                }
            }

            return 0;
        }
        finally
        {
            BenchFiles.DeleteSqlite(path);
        }
    }

    private static Func<SqliteDatabase, Task> SeedAccountsAsync(int accounts) => database =>
    {
        var store = new SqliteAccountStore(database);
        var projections = new SqliteProjectionStore(database);
        return Parallel.ForEachAsync(Enumerable.Range(0, accounts), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, ct) =>
        {
            var enabled = i % 2 == 0;
            var at = SignedUp.AddSeconds(i);
            var account = new AccountRecord(Id(i), Germany, SignedUp, 1, enabled, 1, at, false, null);
            var written = await store.TryWriteAccountAsync(account, new SettingChange(1, enabled, at, ChangeChannel.User, PolicyVersion), ct)
                ?? throw new InvalidOperationException($"Account {Id(i)} was not written.");
            _ = await projections.TryPutAccountAsync(AccountProjection.From(written), null, ct)
                ?? throw new InvalidOperationException($"The projection of {Id(i)} was not written.");
        });
    };

    private static Func<SqliteDatabase, Task> AppendHistoryAsync(int accounts, int history) => database =>
    {
        var store = new SqliteAccountStore(database);
        return Parallel.ForEachAsync(Enumerable.Range(0, history), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (j, ct) =>
        {
            var version = 2L + (j / accounts);
            var change = new SettingChange(version, version % 2 == 1, SignedUp.AddDays(1).AddSeconds(j), ChangeChannel.User, PolicyVersion);
            if (!await store.TryAppendChangeAsync(Id(j % accounts), change, ct))
            {
                throw new InvalidOperationException($"Version {version} of {Id(j % accounts)} was taken.");
            }
        });
    };

    /// <summary>Opens the file, runs the work, closes it (committing and checkpointing); prints the rate and the CPU it took.</summary>
    private static async Task TimedAsync(string what, int count, string path, Func<SqliteDatabase, Task> work)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await using (var database = OpenTimed(path))
        {
            await work(database);
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(Invariant($"{what}: {elapsed:F1} s, {count / elapsed:F0} /s, CPU {used:F1} s ({used / elapsed:F2} cores, {used * 1e6 / count:F1} µs per item)"));
    }

    /// <summary>Opens the file as the server does at start, and says how long that took (it reads the highest row version in the file).</summary>
    private static SqliteDatabase OpenTimed(string path)
    {
        var clock = Stopwatch.StartNew();
        var database = SqliteDatabase.Open(path);
        Console.WriteLine(Invariant($"SqliteDatabase.Open of a {BenchFiles.SizeOf(path):N0}-byte file: {clock.Elapsed.TotalMilliseconds:F0} ms"));
        return database;
    }

    // The store's reads complete synchronously: waiting on them here costs nothing.
    private static Func<ThreadReader> StoreRead(SqliteProjectionStore projections) =>
        () => new ThreadReader((random, accounts) => projections.GetAccountAsync(Id(random.Next(accounts)), CancellationToken.None).GetAwaiter().GetResult() is not null, null);

    /// <summary>
    /// Per thread, the store's SELECT straight on SQLite: on a connection opened once
    /// (<paramref name="keepConnection"/>) or opened from the pool per read, with the store's
    /// connection string (read-only, pooled); with one statement prepared once
    /// (<paramref name="prepareOnce"/>) or a new one per read. Which of the two costs what the store adds.
    /// </summary>
    private static Func<ThreadReader> RawRead(string path, bool keepConnection, bool prepareOnce) => () =>
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        var kept = keepConnection ? new SqliteConnection(connectionString) : null;
        kept?.Open();
        var prepared = prepareOnce && kept is not null ? Select(kept) : null;
        prepared?.Prepare();
        return new ThreadReader(
            (random, accounts) =>
            {
                var id = Id(random.Next(accounts));
                using var opened = kept is null ? new SqliteConnection(connectionString) : null;
                opened?.Open();
                using var perRead = prepared is null ? Select((kept ?? opened)!) : null;
                var select = (prepared ?? perRead)!;
                select.Parameters[0].Value = id;
                using var row = select.ExecuteReader();
                return row.Read() && !row.IsDBNull(2);
            },
            kept);
    };

    private static SqliteCommand Select(SqliteConnection connection)
    {
        var select = connection.CreateCommand();
        select.CommandText = "SELECT present, country, signed_up_at, setting, revision, setting_version, row_version FROM account_projections WHERE user_id = $user";
        select.Parameters.Add("$user", SqliteType.Text);
        return select;
    }

    /// <summary>Reads of random existing accounts on <paramref name="threads"/> threads for <paramref name="duration"/>; every one must find its row.</summary>
    private static async Task<double> ReadsAsync(int threads, TimeSpan duration, int accounts, Func<ThreadReader> perThread)
    {
        // Warm first (JIT, caches), then measure.
        await ReadsForAsync(threads, TimeSpan.FromSeconds(2), accounts, perThread);
        return await ReadsForAsync(threads, duration, accounts, perThread);
    }

    private static async Task<double> ReadsForAsync(int threads, TimeSpan duration, int accounts, Func<ThreadReader> perThread)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var reader = perThread();
                using var owned = reader.Owned;
                var random = new Random(t);
                long done = 0;
                while (clock.Elapsed < duration)
                {
                    if (!reader.Read(random, accounts))
                    {
                        throw new InvalidOperationException("A seeded account was not found.");
                    }

                    done++;
                }

                return done;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static string Id(int i) => Invariant($"seed-{i}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One thread's read of a random account (true: found), and what it owns (disposed when the thread ends).</summary>
    private sealed record ThreadReader(Func<Random, int, bool> Read, IDisposable? Owned);
}
