namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The files one SQLite store is made of.</summary>
public static class SqliteFiles
{
    public static void Delete(string databasePath)
    {
        foreach (var suffix in (string[])["", "-wal", "-shm", "-lock"])
        {
            File.Delete(databasePath + suffix);
        }
    }
}
