using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// Start-ups the server program refuses, run as an operator runs it (<c>dotnet
/// ConsentGateway.Server.dll …</c>): a file that is not the gateway's database, one it cannot
/// create, one another gateway holds, a bad storage setting. Each stops the program at once with
/// exit code 1 and a message naming the file (full path) or the setting and why, and leaves the
/// file byte for byte as it was.
/// </summary>
public sealed class BadDatabaseFileTests : IDisposable
{
    private const int CleanRefusal = 1;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("consent-bad-db-");

    [Fact]
    public async Task A_text_file_is_refused_as_not_a_database()
    {
        var file = Path.Combine(_folder.FullName, "notes.txt");
        await File.WriteAllTextAsync(file, "meeting notes, not a database\n");
        await AssertRefusedAsync(file, "is not a SQLite database");
    }

    [Fact]
    public async Task A_database_of_the_server_cut_to_half_is_refused_as_truncated()
    {
        var file = await MadeByTheServerAsync();
        var length = new FileInfo(file).Length;
        Assert.True(length >= 3 * 4096, $"the server's database holds its schema in the file itself after a clean stop ({length} bytes)");
        using (var stream = File.OpenWrite(file))
        {
            stream.SetLength(length / 2);
        }

        await AssertRefusedAsync(file, $"is truncated: its header counts {length} bytes, the file has {length / 2}");
    }

    [Fact]
    public async Task A_database_of_the_server_cut_to_50_bytes_is_refused_as_truncated()
    {
        var file = await MadeByTheServerAsync();
        using (var stream = File.OpenWrite(file))
        {
            stream.SetLength(50);
        }

        await AssertRefusedAsync(file, "is truncated: 50 bytes");
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_is_refused_naming_both_versions()
    {
        var file = await MadeByTheServerAsync();
        long current;
        using (var connection = Open(file))
        {
            current = (long)Scalar(connection, "PRAGMA user_version")!;
            Scalar(connection, $"PRAGMA user_version = {current + 1}");
        }

        await AssertRefusedAsync(file, $"has schema version {current + 1}, newer than this program knows ({current})");
    }

    [Fact]
    public async Task Another_applications_sqlite_database_is_refused_and_not_switched_to_wal()
    {
        var file = Path.Combine(_folder.FullName, "notes.db");
        using (var connection = Open(file))
        {
            Scalar(connection, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
            Scalar(connection, "INSERT INTO notes (text) VALUES ('keep me')");
            Assert.Equal(0L, Scalar(connection, "PRAGMA application_id"));
        }

        await AssertRefusedAsync(file, "is another application's SQLite database (application_id 0)");
        using var reopened = Open(file);
        Assert.Equal("delete", Scalar(reopened, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_file_whose_directory_cannot_be_made_is_refused()
    {
        // Root may write anywhere chmod forbids, but nobody makes directories in /proc.
        var file = "/proc/consent-gateway-tests-" + Guid.NewGuid().ToString("N") + "/consent.db";
        await AssertRefusedAsync(file, "cannot be created: its directory cannot be made");
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
    }

    [Fact]
    public async Task A_file_under_a_regular_file_is_refused_and_that_file_left_alone()
    {
        var regular = Path.Combine(_folder.FullName, "data");
        await File.WriteAllTextAsync(regular, "a file where the directory should be\n");
        var before = StoreFiles.Sha256(regular);

        await AssertRefusedAsync(Path.Combine(regular, "consent.db"), "cannot be created: its directory cannot be made");
        Assert.Equal(before, StoreFiles.Sha256(regular));
    }

    [Fact]
    public async Task A_second_server_on_the_file_of_a_running_one_is_refused_and_the_first_goes_on()
    {
        await using var first = new GatewayProcess { SqlitePath = Path.Combine(_folder.FullName, "consent.db") };
        await first.InitializeAsync();
        var userId = await first.CreateAccountAsync(enabled: true);

        await AssertRefusedAsync(first, $"is in use by another gateway process (it holds '{first.SqlitePath}-lock')");

        Assert.Equal([true], (await first.HistoryAsync(userId)).Changes.Select(change => change.Enabled));
        Assert.Equal(System.Net.HttpStatusCode.OK, await first.CheckGoogleIpAsync(userId));
    }

    [Fact]
    public async Task An_unknown_storage_provider_stops_the_start_naming_the_key()
    {
        var run = await ServerProgram.RunGatewayAsync(new GatewayServer { SqlitePath = Path.Combine(_folder.FullName, "consent.db") }, "--" + ServerServiceCollectionExtensions.StorageProviderKey, "Cosmos");
        Assert.True(run.ExitCode == CleanRefusal, run.ToString());
        Assert.Contains("Consent:Storage:Provider 'Cosmos' is not a store: use Sqlite or TableStorage", run.Output, StringComparison.Ordinal);
        Assert.Empty(_folder.EnumerateFileSystemInfos());
    }

    [Fact]
    public async Task An_empty_sqlite_path_stops_the_start_naming_the_key()
    {
        var run = await ServerProgram.RunGatewayAsync(new GatewayServer(), "--Consent:Storage:SqlitePath", "");
        Assert.True(run.ExitCode == CleanRefusal, run.ToString());
        Assert.Contains("Consent:Storage:SqlitePath must name the database file", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_as_sqlite_path_stops_the_start_naming_the_key_and_writes_nothing_in_it()
    {
        var run = await ServerProgram.RunGatewayAsync(new GatewayServer { SqlitePath = _folder.FullName });
        Assert.True(run.ExitCode == CleanRefusal, run.ToString());
        Assert.Contains($"Consent:Storage:SqlitePath '{_folder.FullName}' is a directory", run.Output, StringComparison.Ordinal);
        Assert.Empty(_folder.EnumerateFileSystemInfos());
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static Task AssertRefusedAsync(string file, string reason) => AssertRefusedAsync(new GatewayServer { SqlitePath = file }, reason);

    /// <summary>Starts a gateway with <paramref name="configuration"/>: it must stop at once, naming its file and <paramref name="reason"/>, the file unchanged.</summary>
    private static async Task AssertRefusedAsync(GatewayServer configuration, string reason)
    {
        var file = Path.GetFullPath(configuration.SqlitePath);
        var before = StoreFiles.Sha256(file);

        var run = await ServerProgram.RunGatewayAsync(configuration);

        Assert.True(run.ExitCode == CleanRefusal, run.ToString());
        Assert.Contains($"The SQLite store file '{file}' {reason}", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, StoreFiles.Sha256(file));
    }

    /// <summary>A real database: the in-process server's, with an account and a change in it, stopped cleanly.</summary>
    private async Task<string> MadeByTheServerAsync()
    {
        var file = Path.Combine(_folder.FullName, "consent.db");
        var server = new GatewayServer { SqlitePath = file };
        await server.InitializeAsync();
        await server.CreateAccountAsync(enabled: true);
        await server.StopAsync();
        return file;
    }

    private static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
