using System.Buffers.Binary;
using System.Text;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// Reads the 100-byte header of an existing file before SQLite opens it for writing, so that a
/// file that is not a database, or one cut short, is refused by name and never written to.
/// </summary>
internal static class SqliteFileCheck
{
    private const int HeaderLength = 100;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SQLite format 3\0");

    /// <summary>Throws <see cref="SqliteStoreFileException"/> for a file that exists, is not empty and is not a whole SQLite database.</summary>
    public static void ThrowIfNotADatabase(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length == 0)
        {
            return;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        int read;
        try
        {
            using var stream = file.OpenRead();
            read = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SqliteStoreFileException(path, "cannot be read", ex);
        }

        if (read < HeaderLength && read >= Magic.Length && header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new SqliteStoreFileException(path, $"is truncated: {read} bytes, less than a SQLite header ({HeaderLength})");
        }

        if (read < HeaderLength || !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new SqliteStoreFileException(path, "is not a SQLite database");
        }

        // The header's page count is valid when its change counter matches "version valid for"
        // (SQLite file format, 1.3.7); a file shorter than it says lost its end, unless a
        // write-ahead log is there: a checkpoint cut short by a crash writes page 1 before the
        // pages that extend the file, and SQLite completes it from the log when it opens.
        if (new FileInfo(path + "-wal") is { Exists: true, Length: > 0 })
        {
            return;
        }

        var storedPageSize = BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        var pageSize = storedPageSize == 1 ? 65536 : storedPageSize;
        var changeCounter = BinaryPrimitives.ReadUInt32BigEndian(header[24..]);
        var pageCount = BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        var validFor = BinaryPrimitives.ReadUInt32BigEndian(header[92..]);
        var expectedLength = (long)pageCount * pageSize;
        if (pageCount > 0 && changeCounter == validFor && file.Length < expectedLength)
        {
            throw new SqliteStoreFileException(path, $"is truncated: its header counts {expectedLength} bytes, the file has {file.Length}");
        }
    }

    /// <summary>
    /// Takes <c>{file}-lock</c> for this process (an exclusive advisory lock, released when the
    /// process ends however it ends), creating the file's directory if needed: one gateway per
    /// file, since each process's caches and row versions assume it is the only writer.
    /// </summary>
    public static FileStream LockForThisProcess(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SqliteStoreFileException(path, "cannot be created: its directory cannot be made", ex);
        }

        try
        {
            return new FileStream(path + "-lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SqliteStoreFileException(path, "cannot be opened for writing: its directory is read-only", ex);
        }
        catch (IOException ex)
        {
            throw new SqliteStoreFileException(path, $"is in use by another gateway process (it holds '{path}-lock'), or its directory is not writable ({ex.Message})", ex);
        }
    }
}
