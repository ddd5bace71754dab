using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// The tables of the store, versioned by <c>PRAGMA user_version</c> and marked as this program's
/// by <c>PRAGMA application_id</c> (layout and reasons: docs/storage.md). Each migration takes
/// the schema one version up in a transaction of its own, so a crash mid-way leaves the file at
/// the version before.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>"CGWY": written into the file header, so another application's database is never taken for ours.</summary>
    public const int ApplicationId = 0x43475759;

    /// <summary>How long a write waits for a lock another connection holds before it counts as unavailable.</summary>
    public const int BusyTimeoutMilliseconds = 2000;

    /// <summary>
    /// The command timeout of every connection, in seconds. Microsoft.Data.Sqlite retries a
    /// statement that meets a lock until its command timeout (30 s by default) on top of
    /// <see cref="BusyTimeoutMilliseconds"/>; at 1 s a lock held by another process fails the
    /// write as unavailable after one busy wait, about 2 s, instead of holding the caller 30 s.
    /// </summary>
    public const int CommandTimeoutSeconds = 1;

    // Migrations[v] takes the schema from version v to v + 1. Times are UTC ticks; the row
    // versions stand for Table Storage's ETags.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE accounts (
            user_id TEXT NOT NULL PRIMARY KEY,
            country TEXT NOT NULL,
            signed_up_at INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            row_version INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE setting_history (
            user_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            enabled INTEGER,
            at INTEGER NOT NULL,
            channel TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            PRIMARY KEY (user_id, version)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE account_devices (
            user_id TEXT NOT NULL,
            ad_id TEXT NOT NULL,
            linked_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, ad_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE devices (
            ad_id TEXT NOT NULL PRIMARY KEY,
            registered_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE device_links (
            ad_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            linked_at INTEGER NOT NULL,
            PRIMARY KEY (ad_id, user_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE intents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            linked_user_id TEXT,
            recorded_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX intents_by_time ON intents (recorded_at, id);
        CREATE TABLE account_projections (
            user_id TEXT NOT NULL PRIMARY KEY,
            present INTEGER NOT NULL,
            country TEXT NOT NULL,
            signed_up_at INTEGER NOT NULL,
            setting INTEGER,
            revision INTEGER NOT NULL,
            setting_version INTEGER NOT NULL,
            row_version INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE device_projections (
            ad_id TEXT NOT NULL PRIMARY KEY,
            linked_user_ids TEXT NOT NULL,
            link_count INTEGER NOT NULL,
            row_version INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        """,

        // 2: the newest row version given out, kept with the rows it was given to (the writer
        // updates it in each group transaction), so that opening a file need not scan three tables.
        """
        CREATE TABLE row_versions (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            last INTEGER NOT NULL
        ) STRICT;
        INSERT INTO row_versions (id, last) SELECT 1, max(
            (SELECT coalesce(max(row_version), 0) FROM accounts),
            (SELECT coalesce(max(row_version), 0) FROM account_projections),
            (SELECT coalesce(max(row_version), 0) FROM device_projections));
        """,

        // 3: the change log (SqliteChangeLog): one row per projection row written, its position
        // the AUTOINCREMENT key (never reused, so a reader's position stays valid after pruning),
        // pruned by time through its own index.
        """
        CREATE TABLE change_log (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            setting_version INTEGER NOT NULL,
            appended_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX change_log_by_time ON change_log (appended_at);
        """,

        // 4: receipts. Each history entry written from now on has a random receipt id (a UUID in
        // its text form) and the version of the texts the user saw, when the client gave one;
        // entries written before have neither (NULL), and are read back so.
        """
        ALTER TABLE setting_history ADD COLUMN receipt_id TEXT;
        ALTER TABLE setting_history ADD COLUMN notice_version TEXT;
        """,
    ];

    /// <summary>The schema version this program writes and reads.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>
    /// The writer connection, once the file is known to be new or this program's at a schema it
    /// knows (checked before anything is written, so a refused file is left as it was): WAL,
    /// every commit synced to disk (<c>synchronous=FULL</c>). Returns the file's schema version.
    /// </summary>
    public static (SqliteConnection Writer, int SchemaVersion) OpenWriter(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = CommandTimeoutSeconds }.ToString());
        try
        {
            connection.Open();

            // Before anything writes: switching a file to WAL rewrites its header, and another
            // application's database must be left as it was.
            var version = CheckIsOurs(connection, path);
            var journal = Scalar(connection, "PRAGMA journal_mode = WAL");
            if (!string.Equals(journal as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new SqliteStoreFileException(path, $"cannot be put in WAL mode (journal mode stays '{journal}')");
            }

            Execute(connection, "PRAGMA synchronous = FULL");
            Execute(connection, "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            return (connection, version);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new SqliteStoreFileException(path, $"cannot be opened as the store (SQLite error {ex.SqliteErrorCode}: {ex.Message})", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes the schema from <paramref name="version"/> to <see cref="CurrentVersion"/>, one transaction per step.</summary>
    public static void Migrate(SqliteConnection writer, int version)
    {
        for (; version < CurrentVersion; version++)
        {
            Execute(writer, "BEGIN IMMEDIATE");
            Execute(writer, Migrations[version]);
            Execute(writer, "PRAGMA application_id = " + ApplicationId.ToString(CultureInfo.InvariantCulture));
            Execute(writer, "PRAGMA user_version = " + (version + 1).ToString(CultureInfo.InvariantCulture));
            Execute(writer, "COMMIT");
        }
    }

    /// <summary>The schema version of a new file (0) or of this program's; refuses another application's file and a newer schema.</summary>
    private static int CheckIsOurs(SqliteConnection connection, string path)
    {
        var applicationId = Convert.ToInt32(Scalar(connection, "PRAGMA application_id"), CultureInfo.InvariantCulture);
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        var objects = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema"), CultureInfo.InvariantCulture);
        var isNew = applicationId == 0 && version == 0 && objects == 0;
        if (!isNew && applicationId != ApplicationId)
        {
            throw new SqliteStoreFileException(path, $"is another application's SQLite database (application_id {applicationId}), not the consent gateway's");
        }

        return version <= CurrentVersion
            ? version
            : throw new SqliteStoreFileException(path, $"has schema version {version}, newer than this program knows ({CurrentVersion}): run the gateway version that wrote it, or a newer one");
    }

    /// <summary>The newest row version given out in the file (0 in a new one).</summary>
    public static long LastRowVersion(SqliteConnection writer) =>
        Convert.ToInt64(Scalar(writer, "SELECT last FROM row_versions WHERE id = 1"), CultureInfo.InvariantCulture);

    /// <summary>Records <paramref name="last"/> as the newest row version given out, in the writer's open transaction.</summary>
    public static void SaveLastRowVersion(SqliteConnection writer, long last) =>
        writer.Execute("UPDATE row_versions SET last = $last WHERE id = 1", ("$last", last));

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
