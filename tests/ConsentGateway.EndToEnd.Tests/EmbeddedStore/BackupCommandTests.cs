using System.Net.Http.Json;
using ConsentGateway.Contracts;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// <c>dotnet ConsentGateway.Server.dll backup FILE --Consent:Storage:SqlitePath DB</c>, typed as
/// a person would while the gateway serves: the copy is a whole database of one moment, a
/// server on it serves what was acknowledged before; a backup never overwrites a file.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class BackupCommandTests : IAsyncLifetime
{
    private const int Accounts = 20;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("consent-backup-");
    private readonly GatewayProcess _server;

    public BackupCommandTests() => _server = new GatewayProcess { SqlitePath = Path.Combine(_folder.FullName, "consent.db") };

    public Task InitializeAsync() => _server.InitializeAsync();

    [Fact]
    public async Task A_backup_taken_under_writes_is_a_whole_database_serving_everything_acknowledged_before_it()
    {
        var userIds = new List<string>();
        for (var i = 0; i < Accounts; i++)
        {
            userIds.Add(await _server.CreateAccountAsync(enabled: i % 2 == 0));
        }

        await using var writers = new SettingWriters(_server, userIds, seed: 14);
        writers.Start(4);
        await PropagationTests.Eventually(TimeSpan.FromSeconds(60), () => Task.FromResult(writers.Acknowledged.Count >= 100));
        var beforeBackup = writers.Acknowledged.ToList();
        var copy = Path.Combine(_folder.FullName, "backups", "consent-copy.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);

        var run = await ServerProgram.RunAsync(["backup", copy, "--Consent:Storage:SqlitePath", _server.SqlitePath]);
        var duringBackup = writers.Acknowledged.Count - beforeBackup.Count;
        await writers.StopAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Backed up {_server.SqlitePath} to {copy}.", run.Output, StringComparison.Ordinal);
        Assert.True(duringBackup > 0, "no write was acknowledged while the backup ran: it was not taken under writes");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        await using var restored = new GatewayServer { SqlitePath = copy, SigningKey = _server.SigningKey };
        await restored.InitializeAsync();
        foreach (var userId in userIds)
        {
            var copied = (await restored.HistoryAsync(userId)).Changes;
            var live = (await _server.HistoryAsync(userId)).Changes;

            // One moment of the live history: a prefix of it, holding every change acknowledged before the backup.
            Assert.Equal(live.Take(copied.Count), copied);
            Assert.All(beforeBackup.Where(change => change.UserId == userId), change => Assert.Contains(copied, entry => entry.Version == change.Version && entry.Enabled == change.Enabled));
            using var user = restored.User(userId);
            var setting = await user.GetFromJsonAsync<SettingResponse>($"/api/v1/accounts/{userId}/partner-sharing");
            Assert.Equal((copied[^1].Version, copied[^1].Enabled), (setting!.Version, (bool?)setting.Enabled));
        }
    }

    [Fact]
    public async Task A_cleanly_stopped_server_leaves_its_whole_database_in_the_file_alone()
    {
        var file = Path.Combine(_folder.FullName, "stopped.db");
        var stopped = new GatewayServer { SqlitePath = file };
        await stopped.InitializeAsync();
        var userId = await stopped.CreateAccountAsync(enabled: true);
        await stopped.StopAsync();

        // Copying the file alone (no -wal beside it) is a whole database: the WAL went into it.
        Assert.False(File.Exists(file + "-wal"), "the stopped server left its WAL beside the file");
        var copy = Path.Combine(_folder.FullName, "copied", "consent.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(file, copy);
        await using var restored = new GatewayServer { SqlitePath = copy, SigningKey = stopped.SigningKey };
        await restored.InitializeAsync();
        Assert.Equal([(1L, (bool?)true)], (await restored.HistoryAsync(userId)).Changes.Select(change => (change.Version, change.Enabled)));
    }

    [Fact]
    public async Task A_backup_onto_an_existing_file_exits_non_zero_and_leaves_the_file_as_it_was()
    {
        var existing = Path.Combine(_folder.FullName, "yesterday.db");
        await File.WriteAllTextAsync(existing, "yesterday's backup\n");
        var before = StoreFiles.Sha256(existing);

        var run = await ServerProgram.RunAsync(["backup", existing, "--Consent:Storage:SqlitePath", _server.SqlitePath]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"The SQLite store file '{existing}' exists already", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, StoreFiles.Sha256(existing));
    }

    [Fact]
    public async Task A_backup_without_a_file_prints_its_usage_and_exits_2()
    {
        var run = await ServerProgram.RunAsync(["backup"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Usage: backup FILE [--Consent:Storage:SqlitePath DATABASE]", run.Output, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
