using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using ConsentGateway.Infrastructure.Tests.Contracts;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Tests.Sqlite;

/// <summary>What the SQLite file itself promises beyond the port contracts: its schema, group commit, tokens across restarts, one process per file.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _path = SqliteStoreHarness.NewPath();

    public void Dispose() => SqliteFiles.Delete(_path);

    [Fact]
    public async Task A_new_file_gets_the_current_schema_and_keeps_what_was_written_across_a_reopen()
    {
        await using (var database = SqliteDatabase.Open(_path))
        {
            Assert.Equal(_path, database.FilePath);
            Assert.NotNull(await new SqliteAccountStore(database).TryWriteAccountAsync(NewAccount("kept"), null, Ct));
        }

        Assert.Equal((SqliteSchema.ApplicationId, (long)SqliteSchema.CurrentVersion), (Pragma("application_id"), Pragma("user_version")));
        await using var reopened = SqliteDatabase.Open(_path);
        Assert.Equal("kept", (await new SqliteAccountStore(reopened).FindAsync("kept", Ct))?.UserId);
    }

    [Fact]
    public async Task A_file_of_schema_version_1_is_migrated_and_its_row_versions_go_on_from_the_highest_stored()
    {
        var tokens = new List<long>();
        await using (var database = SqliteDatabase.Open(_path))
        {
            var accounts = new SqliteAccountStore(database);
            for (var i = 0; i < 5; i++)
            {
                tokens.Add(long.Parse((await accounts.TryWriteAccountAsync(NewAccount($"u{i}"), null, Ct))!.ConcurrencyToken!, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        // What version 1 was: the same tables without row_versions (and the change log of version 3, the receipts of 4).
        Execute("DROP TABLE row_versions");
        Execute("DROP TABLE change_log");
        DropReceipts();
        Execute("PRAGMA user_version = 1");

        await using (var migrated = SqliteDatabase.Open(_path))
        {
            var next = await new SqliteAccountStore(migrated).TryWriteAccountAsync(NewAccount("after"), null, Ct);
            Assert.True(long.Parse(next!.ConcurrencyToken!, System.Globalization.CultureInfo.InvariantCulture) > tokens.Max(), "a token of the migrated file repeats one given out before");
            Assert.Equal("u3", (await new SqliteAccountStore(migrated).FindAsync("u3", Ct))?.UserId);
        }

        Assert.Equal((long)SqliteSchema.CurrentVersion, Pragma("user_version"));
    }

    [Fact]
    public async Task A_file_of_schema_version_2_gets_the_change_log_and_keeps_what_it_held()
    {
        var recordedAt = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
        await using (var database = SqliteDatabase.Open(_path))
        {
            var written = await new SqliteAccountStore(database).TryWriteAccountAsync(NewAccount("kept"), null, Ct);
            await new SqliteIntentLog(database).RecordAsync(ChangeKind.Setting, "kept", null, recordedAt, Ct);
            Assert.NotNull(await new SqliteProjectionStore(database).TryPutAccountAsync(AccountProjection.From(written!), null, Ct));
        }

        // What version 2 was: the same tables without the change log (its index goes with it) and the receipts.
        Execute("DROP TABLE change_log");
        DropReceipts();
        Execute("PRAGMA user_version = 2");
        Assert.Equal(0L, Scalar("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'change_log'"));

        await using (var migrated = SqliteDatabase.Open(_path))
        {
            Assert.Equal("kept", (await new SqliteAccountStore(migrated).FindAsync("kept", Ct))?.UserId);
            Assert.Equal("kept", Assert.Single(await new SqliteIntentLog(migrated).GetPendingAsync(recordedAt.AddTicks(1), 10, Ct)).Key);
            Assert.Equal("kept", (await new SqliteProjectionStore(migrated).GetAccountAsync("kept", Ct))?.Value.UserId);

            var log = new SqliteChangeLog(migrated, TimeProvider.System);
            var head = await log.GetHeadAsync(Ct);
            var change = new ProjectedChange(SubjectKind.Account, "kept", new SubjectVersion(1, 0));
            await log.AppendAsync(change, Ct);
            Assert.Equal([change], (await log.ReadAsync(head, 10, Ct)).Changes);
        }

        Assert.Equal((long)SqliteSchema.CurrentVersion, Pragma("user_version"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'change_log_by_time'"));
    }

    [Fact]
    public async Task A_file_of_schema_version_3_gets_receipts_and_its_history_reads_back_without_them()
    {
        var before = new SettingChange(1, true, new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero), ChangeChannel.User, "2020-04-06");
        await using (var database = SqliteDatabase.Open(_path))
        {
            var accounts = new SqliteAccountStore(database);
            await accounts.TryWriteAccountAsync(NewAccount("kept"), null, Ct);
            Assert.True(await accounts.TryAppendChangeAsync("kept", before, Ct));
        }

        // What version 3 was: setting_history without the receipt's and the notice's columns.
        DropReceipts();
        Execute("PRAGMA user_version = 3");
        Assert.Equal(0L, Scalar("SELECT count(*) FROM pragma_table_info('setting_history') WHERE name IN ('receipt_id', 'notice_version')"));

        var receipt = Guid.NewGuid();
        await using (var migrated = SqliteDatabase.Open(_path))
        {
            var accounts = new SqliteAccountStore(migrated);
            Assert.True(await accounts.TryAppendChangeAsync("kept", before with { Version = 2, ReceiptId = receipt, NoticeVersion = "2020-04-06" }, Ct));
            Assert.Equal(
                [(1L, null, null), (2L, receipt, "2020-04-06")],
                (await accounts.GetHistoryAsync("kept", Ct)).Select(c => (c.Version, c.ReceiptId, c.NoticeVersion)));
        }

        Assert.Equal((long)SqliteSchema.CurrentVersion, Pragma("user_version"));
    }

    // Schema 4 added these two columns to setting_history.
    private void DropReceipts()
    {
        Execute("ALTER TABLE setting_history DROP COLUMN receipt_id");
        Execute("ALTER TABLE setting_history DROP COLUMN notice_version");
    }

    [Fact]
    public async Task A_clean_close_leaves_one_file_with_everything_in_it()
    {
        await using (var database = SqliteDatabase.Open(_path))
        {
            await new SqliteAccountStore(database).TryWriteAccountAsync(NewAccount("u1"), null, Ct);
        }

        Assert.False(File.Exists(_path + "-wal"), "the WAL was not checkpointed into the file on close");
        Assert.Equal(1L, Scalar("SELECT count(*) FROM accounts"));
    }

    [Fact]
    public async Task Writes_committed_together_fail_alone_a_write_that_throws_leaves_nothing_and_the_others_land()
    {
        await using var database = SqliteDatabase.Open(_path);
        using var gate = new ManualResetEventSlim();

        // Holds the writer so that everything queued next goes into one transaction.
        var holding = database.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(30)), Ct);
        var writes = Enumerable.Range(0, 20).Select(i => database.WriteAsync(
            connection =>
            {
                Insert(connection, $"u{i}");
                return i == 7 ? throw new InvalidOperationException("this write fails") : i;
            },
            Ct)).ToList();
        gate.Set();
        await holding;

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[7]);
        Assert.Equal("this write fails", failed.Message);
        var landed = await Task.WhenAll(writes.Where((_, i) => i != 7));
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 7), landed);
        await database.DisposeAsync();
        Assert.Equal(19L, Scalar("SELECT count(*) FROM accounts"));
        Assert.Equal(0L, Scalar("SELECT count(*) FROM accounts WHERE user_id = 'u7'"));
    }

    [Fact]
    public async Task A_failing_file_fails_the_whole_transaction_as_unavailable_and_acknowledges_none_of_it()
    {
        await using var database = SqliteDatabase.Open(_path);
        using var gate = new ManualResetEventSlim();
        var holding = database.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(30)), Ct);
        var before = database.WriteAsync(connection => Insert(connection, "before"), Ct);

        // What SQLite says when the disk fails under a write (SQLITE_IOERR).
        var failing = database.WriteAsync<int>(_ => throw new SqliteException("disk I/O error", 10), Ct);
        var after = database.WriteAsync(connection => Insert(connection, "after"), Ct);
        gate.Set();

        // The three were queued while the writer was held, so they share one transaction (the
        // held write may share it too, or have committed before: either is right).
        await Task.WhenAny(holding);
        foreach (var write in (Task[])[before, failing, after])
        {
            await Assert.ThrowsAsync<ConsentGateway.Core.StoreUnavailableException>(() => write);
        }

        var accounts = new SqliteAccountStore(database);
        Assert.Null(await accounts.FindAsync("before", Ct));
        Assert.Null(await accounts.FindAsync("after", Ct));

        // The next transaction works again.
        Assert.NotNull(await accounts.TryWriteAccountAsync(NewAccount("next"), null, Ct));
    }

    [Fact]
    public async Task A_write_lock_held_by_another_process_fails_writes_as_unavailable_in_seconds_and_the_next_write_lands_once_it_is_released()
    {
        await using var database = SqliteDatabase.Open(_path);
        var accounts = new SqliteAccountStore(database);

        // Another process (a backup tool, sqlite3 at a prompt) takes the file's write lock and keeps it.
        using (var other = Connect())
        {
            using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            // Not a timing assertion: a bound far above the few seconds a lock may be waited for,
            // far below the 30 s Microsoft.Data.Sqlite retries a busy statement by default.
            var blocked = accounts.TryWriteAccountAsync(NewAccount("blocked"), null, Ct);
            await Assert.ThrowsAsync<ConsentGateway.Core.StoreUnavailableException>(() => blocked.WaitAsync(TimeSpan.FromSeconds(15)));
        }

        Assert.Null(await accounts.FindAsync("blocked", Ct));
        Assert.NotNull(await accounts.TryWriteAccountAsync(NewAccount("after"), null, Ct));
    }

    [Fact]
    public async Task A_write_canceled_while_it_waits_is_never_run()
    {
        await using var database = SqliteDatabase.Open(_path);
        using var gate = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var holding = database.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(30)), Ct);
        var canceled = database.WriteAsync(connection => Insert(connection, "never"), cancel.Token);

        await cancel.CancelAsync();
        gate.Set();
        await holding;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        Assert.Null(await new SqliteAccountStore(database).FindAsync("never", Ct));
    }

    [Fact]
    public async Task Closing_commits_every_write_already_queued()
    {
        var database = SqliteDatabase.Open(_path);
        var accounts = new SqliteAccountStore(database);
        var writes = Enumerable.Range(0, 100).Select(i => accounts.TryWriteAccountAsync(NewAccount($"u{i}"), null, Ct)).ToList();
        await database.DisposeAsync();

        Assert.All(await Task.WhenAll(writes), Assert.NotNull);
        Assert.Equal(100L, Scalar("SELECT count(*) FROM accounts"));
    }

    [Fact]
    public async Task Tokens_are_never_given_out_twice_not_across_rows_tables_or_restarts()
    {
        var tokens = new List<string>();
        for (var start = 0; start < 2; start++)
        {
            await using var database = SqliteDatabase.Open(_path);
            var accounts = new SqliteAccountStore(database);
            var projections = new SqliteProjectionStore(database);
            for (var i = 0; i < 3; i++)
            {
                var written = await accounts.TryWriteAccountAsync(NewAccount($"s{start}-u{i}"), null, Ct);
                tokens.Add(written!.ConcurrencyToken!);
                tokens.Add((await accounts.TryWriteAccountAsync(written with { Revision = 2 }, null, Ct))!.ConcurrencyToken!);
                tokens.Add((await projections.TryPutAccountAsync(AccountProjection.From(written), null, Ct))!);
                tokens.Add((await projections.TryPutDeviceAsync(new DeviceProjection($"s{start}-d{i}", [], 0), null, Ct))!);
            }
        }

        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_second_open_of_a_file_in_use_is_refused_by_name()
    {
        await using var database = SqliteDatabase.Open(_path);

        var refused = Assert.Throws<SqliteStoreFileException>(() => SqliteDatabase.Open(_path));

        Assert.Equal(_path, refused.FilePath);
        Assert.Contains("in use by another gateway process", refused.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> UnusableFiles => new()
    {
        { "not-sqlite", "is not a SQLite database" },
        { "header-only", "is truncated" },
        { "truncated", "is truncated" },
        { "newer-schema", "newer than this program knows" },
        { "another-application", "another application's SQLite database" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public async Task A_file_that_is_not_this_programs_database_is_refused_by_name_and_left_as_it_was(string kind, string reason)
    {
        await MakeAsync(kind);
        var before = await File.ReadAllBytesAsync(_path);

        var refused = Assert.Throws<SqliteStoreFileException>(() => SqliteDatabase.Open(_path));

        Assert.Contains(_path, refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(_path));
        Assert.False(File.Exists(_path + "-wal"));

        // Nothing holds the file afterwards: the refusal released what it took.
        File.Delete(_path + "-lock");
    }

    [Fact]
    public void A_directory_that_cannot_be_made_is_refused_by_name()
    {
        var blocker = _path + ".file";
        File.WriteAllText(blocker, "a file where the directory would be");
        try
        {
            var inside = Path.Combine(blocker, "consent.db");
            var refused = Assert.Throws<SqliteStoreFileException>(() => SqliteDatabase.Open(inside));
            Assert.Contains(inside, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    private async Task MakeAsync(string kind)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        switch (kind)
        {
            case "not-sqlite":
                await File.WriteAllTextAsync(_path, "user_id,enabled\nu1,true\n");
                break;
            case "header-only":
                await File.WriteAllBytesAsync(_path, [.. "SQLite format 3\0"u8]);
                break;
            case "truncated":
                await using (var database = SqliteDatabase.Open(_path))
                {
                    var accounts = new SqliteAccountStore(database);
                    await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => accounts.TryWriteAccountAsync(NewAccount($"u{i}"), null, Ct)));
                }

                var bytes = await File.ReadAllBytesAsync(_path);
                await File.WriteAllBytesAsync(_path, bytes[..(bytes.Length / 2)]);
                break;
            case "newer-schema":
                await using (SqliteDatabase.Open(_path))
                {
                }

                Execute($"PRAGMA user_version = {SqliteSchema.CurrentVersion + 1}");
                break;
            case "another-application":
                Execute("CREATE TABLE notes (text TEXT)");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        SqliteConnection.ClearAllPools();
    }

    private static int Insert(SqliteConnection connection, string userId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO accounts (user_id, country, signed_up_at, revision, deleted, row_version) VALUES ($user, 'DE', 0, 1, 0, 0)";
        command.Parameters.AddWithValue("$user", userId);
        return command.ExecuteNonQuery();
    }

    private long Pragma(string name) => (long)Scalar("PRAGMA " + name)!;

    private object? Scalar(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static AccountRecord NewAccount(string userId) =>
        new(userId, CountryCode.Parse("DE"), new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero), 1, null, 0, null, false, null);
}
