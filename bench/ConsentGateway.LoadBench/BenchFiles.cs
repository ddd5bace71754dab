namespace ConsentGateway.LoadBench;

/// <summary>Fresh SQLite files for one run in the temp directory (a real disk here, so fsync costs what it costs), and their removal.</summary>
internal static class BenchFiles
{
    /// <summary>A path no file has yet, <c>{temp}/consent-bench/{guid}.db</c>.</summary>
    public static string NewSqlitePath()
    {
        var directory = Path.Combine(Path.GetTempPath(), "consent-bench");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db");
    }

    /// <summary>The database file, with its WAL if one is left (0 for files that do not exist).</summary>
    public static long SizeOf(string path) => Length(path) + Length(path + "-wal");

    /// <summary>Deletes the database and every file SQLite and the gateway keep beside it.</summary>
    public static void DeleteSqlite(string path)
    {
        foreach (var file in (string[])[path, path + "-wal", path + "-shm", path + "-lock", path + "-journal"])
        {
            File.Delete(file);
        }
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
