using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// One SQLite database file, in WAL mode with <c>synchronous=FULL</c>, holding every store of the
/// self-host (docs/storage.md, ADR 8). Writes go through one connection that commits whatever is
/// queued in one transaction, each write in a savepoint of its own (group commit: one fsync for
/// all the callers waiting, so concurrent writers do not queue behind each other's fsync); a
/// write completes only once its transaction is on disk. Reads use read-only connections of its
/// own, kept open with their prepared statements, which WAL lets run beside the writer, each
/// seeing the last commit.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    // Enough to share one fsync among every caller of a busy server, few enough that a batch's
    // transaction stays short.
    private const int MaxWritesPerCommit = 256;

    private readonly FileStream _processLock;
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;

    // Read-only connections not in use, kept open with their prepared statements (SqliteCommands).
    private readonly ConcurrentBag<SqliteConnection> _idleReaders = [];
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writing;

    // Set once closing starts: a read that ends after it closes its connection instead of keeping it.
    private volatile bool _closed;

    // The newest row version given out, and the one last committed to row_versions: the writer thread's alone (see NextRowVersion).
    private long _lastRowVersion;
    private long _savedRowVersion;

    private SqliteDatabase(string path, FileStream processLock, SqliteConnection writer)
    {
        FilePath = path;
        _processLock = processLock;
        _writer = writer;
        _lastRowVersion = _savedRowVersion = SqliteSchema.LastRowVersion(writer);
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = SqliteSchema.CommandTimeoutSeconds }.ToString();
        _writing = Task.Run(WriteLoopAsync);
    }

    /// <summary>The database file, as a full path.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Opens the file, creating it (and its directory) if it does not exist, and creates or
    /// migrates the schema. A file that is not this program's database (not SQLite, truncated,
    /// another application's, a newer schema) or cannot be opened for writing throws
    /// <see cref="SqliteStoreFileException"/> naming it, and is left as it was.
    /// </summary>
    public static SqliteDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        SqliteFileCheck.ThrowIfNotADatabase(fullPath);
        var processLock = SqliteFileCheck.LockForThisProcess(fullPath);
        SqliteConnection? writer = null;
        try
        {
            (writer, var version) = SqliteSchema.OpenWriter(fullPath);
            SqliteSchema.Migrate(writer, version);
            return new SqliteDatabase(fullPath, processLock, writer);
        }
        catch (SqliteException ex)
        {
            writer?.Dispose();
            processLock.Dispose();
            throw new SqliteStoreFileException(fullPath, $"could not be brought to schema version {SqliteSchema.CurrentVersion} (SQLite error {ex.SqliteErrorCode}: {ex.Message})", ex);
        }
        catch
        {
            writer?.Dispose();
            processLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A row version (the stores' concurrency token) never given out before in this file: unique
    /// across rows and tables, so a token read from one row can never pass for another's. Only
    /// the writer thread calls it, inside a write; the newest is committed to <c>row_versions</c>
    /// in the same transaction, and a version skipped by a rolled-back write is lost, harmlessly.
    /// </summary>
    internal long NextRowVersion() => ++_lastRowVersion;

    /// <summary>
    /// Runs <paramref name="work"/> on the writer connection inside the next group transaction,
    /// in a savepoint of its own: if it throws, what it wrote is rolled back and the exception
    /// reaches this caller only. The task completes once the transaction is committed to disk.
    /// </summary>
    internal Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);

        return write.Task;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a read-only connection of the database's own (opened the
    /// first time, then kept with its prepared statements); a failing file is a
    /// <see cref="Core.StoreUnavailableException"/>.
    /// </summary>
    internal T Read<T>(Func<SqliteConnection, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var keep = true;
        SqliteConnection? connection = null;
        try
        {
            if (!_idleReaders.TryTake(out connection))
            {
                connection = new SqliteConnection(_readConnectionString);
                connection.Open();
            }

            return read(connection);
        }
        catch (SqliteException ex) when (SqliteFaults.IsUnavailable(ex))
        {
            // A connection that met a failing file is not kept.
            keep = false;
            throw SqliteFaults.Unavailable(ex);
        }
        finally
        {
            if (connection is not null)
            {
                if (keep && !_closed)
                {
                    _idleReaders.Add(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }
    }

    /// <summary>Runs <paramref name="read"/>'s statements in one read transaction: all of them see the same commit.</summary>
    internal T ReadConsistent<T>(Func<SqliteConnection, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return Read(connection =>
        {
            connection.Execute("BEGIN");
            try
            {
                return read(connection);
            }
            finally
            {
                // Read-only: ending it changes nothing, and the pooled connection goes back clean.
                connection.Execute("COMMIT");
            }
        });
    }

    /// <summary>
    /// Copies the whole database, as of one moment, into a new file with SQLite's online backup
    /// API, while the server goes on reading and writing. The copy is a database of its own (no
    /// WAL beside it): restoring it is putting it in place of the file while the server is stopped.
    /// </summary>
    public static void BackUp(string source, string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var sourcePath = Path.GetFullPath(source);
        var destinationPath = Path.GetFullPath(destination);
        if (!File.Exists(sourcePath))
        {
            throw new SqliteStoreFileException(sourcePath, "does not exist");
        }

        if (File.Exists(destinationPath))
        {
            throw new SqliteStoreFileException(destinationPath, "exists already; a backup never overwrites a file, so name a new one");
        }

        SqliteFileCheck.ThrowIfNotADatabase(sourcePath);
        try
        {
            using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sourcePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            from.Open();
            to.Open();
            from.BackupDatabase(to);
        }
        catch (SqliteException ex)
        {
            // Half a copy is no backup: what this call created goes.
            File.Delete(destinationPath);
            throw new SqliteStoreFileException(destinationPath, $"could not be written as a backup of '{sourcePath}' (SQLite error {ex.SqliteErrorCode}: {ex.Message})", ex);
        }
    }

    /// <summary>
    /// Commits what is queued, then closes the file. The writer closes last: only a connection
    /// that may write checkpoints the WAL into the file and deletes it on close, so after a
    /// clean stop the file alone is the whole database (what a copy or a restore relies on).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writing.ConfigureAwait(false);
        _closed = true;

        // The readers first: the last connection to close checkpoints the WAL into the file
        // and removes it, and only the writer can.
        while (_idleReaders.TryTake(out var reader))
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);

        // The lock file stays: deleting it could take it from a process that has just locked it.
        await _processLock.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxWritesPerCommit);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxWritesPerCommit && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            CommitTogether(batch);
            batch.Clear();
        }
    }

    /// <summary>
    /// One transaction for the whole batch. A write that throws is rolled back to its savepoint
    /// and fails alone; a failure of the transaction itself (the disk, the file) fails every
    /// write of the batch not yet failed, as unavailable: none of them is acknowledged.
    /// </summary>
    private void CommitTogether(List<PendingWrite> batch)
    {
        var written = new List<PendingWrite>(batch.Count);
        try
        {
            Execute("BEGIN IMMEDIATE");
            foreach (var write in batch)
            {
                if (write.SkipIfCanceled())
                {
                    continue;
                }

                Execute("SAVEPOINT write");
                try
                {
                    write.Run(_writer);
                    Execute("RELEASE write");
                    written.Add(write);
                }
                catch (Exception ex) when (ex is not SqliteException fault || !SqliteFaults.IsUnavailable(fault))
                {
                    Execute("ROLLBACK TO write");
                    Execute("RELEASE write");
                    write.Fail(ex);
                }
            }

            // The versions given out go to disk with the rows that carry them.
            if (_lastRowVersion != _savedRowVersion)
            {
                SqliteSchema.SaveLastRowVersion(_writer, _lastRowVersion);
            }

            Execute("COMMIT");
            _savedRowVersion = _lastRowVersion;
        }
        catch (Exception ex)
        {
            RollBackIfOpen();
            var failure = ex is SqliteException fault ? SqliteFaults.Unavailable(fault) : ex;
            foreach (var write in batch)
            {
                write.Fail(failure);
            }

            return;
        }

        foreach (var write in written)
        {
            write.Complete();
        }
    }

    private void RollBackIfOpen()
    {
        // SQLite may already have rolled the transaction back itself (an I/O error, a full disk).
        if (SQLitePCL.raw.sqlite3_get_autocommit(_writer.Handle) == 0)
        {
            Execute("ROLLBACK");
        }
    }

    private void Execute(string sql) => _writer.Execute(sql);

    /// <summary>A write waiting for its group transaction.</summary>
    private abstract class PendingWrite
    {
        /// <summary>Canceled before it ran: it is skipped, and its task says so (<c>true</c>). Once running, it runs to its commit.</summary>
        public abstract bool SkipIfCanceled();

        public abstract void Run(SqliteConnection connection);

        /// <summary>The transaction is on disk: hand over the result.</summary>
        public abstract void Complete();

        /// <summary>Fails the write unless it already ended (a write failed alone is not failed again with its batch).</summary>
        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override bool SkipIfCanceled() => cancellationToken.IsCancellationRequested && _completion.TrySetCanceled(cancellationToken);

        public override void Run(SqliteConnection connection) => _result = work(connection);

        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
