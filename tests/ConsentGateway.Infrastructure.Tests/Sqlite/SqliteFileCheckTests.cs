using ConsentGateway.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Tests.Sqlite;

/// <summary>
/// The start-up check of a database file's length against its header: a file cut short is
/// refused, but not one whose write-ahead log is there to complete a checkpoint a crash cut short.
/// </summary>
public sealed class SqliteFileCheckTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "consent-file-check-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_file_shorter_than_its_header_says_is_refused_without_a_log_and_left_to_sqlite_with_one()
    {
        using (var connection = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (v BLOB); INSERT INTO t VALUES (randomblob(64000));";
            command.ExecuteNonQuery();
        }

        var length = new FileInfo(_path).Length;
        using (var stream = File.OpenWrite(_path))
        {
            stream.SetLength(length / 2);
        }

        var refused = Assert.Throws<SqliteStoreFileException>(() => SqliteFileCheck.ThrowIfNotADatabase(_path));
        File.WriteAllBytes(_path + "-wal", new byte[4096]);
        SqliteFileCheck.ThrowIfNotADatabase(_path);

        Assert.Contains($"its header counts {length} bytes, the file has {length / 2}", refused.Message, StringComparison.Ordinal);
    }
}
