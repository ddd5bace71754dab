namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>The database file cannot be used as this program's store; the message names the file and why. The file is left as it was.</summary>
public sealed class SqliteStoreFileException : Exception
{
    public SqliteStoreFileException()
        : base("The SQLite database file cannot be used.")
    {
    }

    public SqliteStoreFileException(string message)
        : base(message)
    {
    }

    public SqliteStoreFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SqliteStoreFileException(string path, string reason, Exception? innerException = null)
        : base($"The SQLite store file '{path}' {reason}.", innerException)
    {
        FilePath = path;
    }

    /// <summary>The file, as a full path (<c>null</c> when not known).</summary>
    public string? FilePath { get; }
}
