namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>Thrown inside a write to roll its savepoint back when a later statement of it lost a race (a store answers that as "another writer got there first").</summary>
internal sealed class SqliteWriteConflictException : Exception
{
    public SqliteWriteConflictException()
        : base("Another writer got there first; this write was rolled back.")
    {
    }

    public SqliteWriteConflictException(string message)
        : base(message)
    {
    }

    public SqliteWriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
