using ConsentGateway.Core;
using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>Which SQLite errors mean "the store cannot serve now" (the disk, the file, a lock held too long), answered like a Table Storage outage.</summary>
internal static class SqliteFaults
{
    public static bool IsUnavailable(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xff) is SQLITE_BUSY or SQLITE_LOCKED or SQLITE_NOMEM or SQLITE_READONLY or SQLITE_IOERR
            or SQLITE_CORRUPT or SQLITE_FULL or SQLITE_CANTOPEN or SQLITE_PROTOCOL or SQLITE_NOTADB;

    // The message names the error only: SQLite's own may quote a statement's values, that is ids.
    public static StoreUnavailableException Unavailable(SqliteException exception) =>
        new($"The SQLite store could not serve the call (SQLite error {exception.SqliteErrorCode}: {sqlite3_errstr(exception.SqliteErrorCode).utf8_to_string()}).", exception);
}
