using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// <see cref="IChangeLog"/> on one table, ordered by the clock of the instance that appends
/// (layout, reasons and limits: docs/storage.md). PartitionKey <c>{bucketStart:D11}-{shard:D2}</c>:
/// the Unix second starting the <see cref="BucketLength"/> bucket of the entry's time, then one of
/// <see cref="ShardCount"/> shards; RowKey <c>{appendedAt.UtcTicks:D19}|{guid:N}</c>. Everything
/// from an instant on is one query, whatever the number of subjects: <c>PartitionKey ge
/// '{bucket}' and RowKey ge '{ticks}'</c>.
/// <para>
/// A position is a time of the writers' clocks (UTC ticks): the newest entry the reader was
/// given. Entries can become visible behind it: another writer's clock is behind, or its write
/// was slow. So each read goes back <see cref="Overlap"/> = <see cref="ChangeLogOptions.MaxClockSkew"/>
/// + <see cref="AppendBound"/> behind the position and gives again what it finds there (repeats:
/// each carries its version, so they are harmless). An append whose acknowledged write took
/// longer than <see cref="AppendBound"/> appends the change again with a fresh time, so every
/// change has an entry visible within <see cref="AppendBound"/> of its time. Assumed: the
/// clocks of all instances (readers' too: the head is the reader's clock) are within
/// <c>MaxClockSkew</c> of each other. Then no change is skipped, and an acknowledged append is
/// seen by the next read (<see cref="VisibilityLag"/> 0).
/// </para>
/// <para>
/// Beyond it: an entry written by a clock behind the one whose entry a reader last saw by more
/// than <see cref="Overlap"/> lands behind the reader's window and is never given to that
/// reader. A clock ahead would carry the position ahead of every other writer; the position is
/// therefore never set past the reader's own clock + <c>MaxClockSkew</c> (the early entries are
/// given again on each read until their time comes). Each append compares its time with the
/// service's <c>Date</c> header and logs a warning (at most once a minute, with a count) when
/// its clock is certainly further from the service's than <c>MaxClockSkew</c>.
/// </para>
/// </summary>
public sealed partial class TableChangeLog : IChangeLog
{
    /// <summary>Partitions the appends of one bucket are spread over: past the ~2,000 entities/s a partition serves.</summary>
    public const int ShardCount = 4;

    /// <summary>The time one partition key covers (per shard): a read's window (a few seconds) spans one or two.</summary>
    public static readonly TimeSpan BucketLength = TimeSpan.FromSeconds(BucketSeconds);

    /// <summary>
    /// The longest an acknowledged append may take before it is appended again with a fresh time:
    /// one store call with a retry (<see cref="TableStorageOptions"/>: 550 ms a try, 100 ms
    /// between) fits; one that spent its retries does not.
    /// </summary>
    public static readonly TimeSpan AppendBound = TimeSpan.FromSeconds(1);

    private const int BucketSeconds = 10;
    private const int BucketDigits = 11;
    private const int TicksDigits = 19;
    private const int MaxAppendAttempts = 3;
    private const int MaxPageSize = 1000;

    /// <summary>The most operations of one entity-group transaction.</summary>
    private const int MaxBatch = 100;

    private const string Kind = nameof(ProjectedChange.Kind);
    private const string SubjectId = nameof(ProjectedChange.SubjectId);
    private const string Revision = nameof(SubjectVersion.Revision);
    private const string SettingVersion = nameof(SubjectVersion.SettingVersion);

    private static readonly string[] ReadColumns = [nameof(TableEntity.PartitionKey), nameof(TableEntity.RowKey), Kind, SubjectId, Revision, SettingVersion];
    private static readonly string[] KeyColumns = [nameof(TableEntity.PartitionKey), nameof(TableEntity.RowKey)];

    // The service's Date header counts whole seconds, rounded down.
    private static readonly TimeSpan DateResolution = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxClockSkew;
    private readonly ILogger<TableChangeLog> _logger;
    private readonly Lock _skewGate = new();
    private int _appends;

    // Appends found out of skew since the last warning, and when it was written (the skew gate's).
    private long _skewedAppends;
    private long? _warnedAt;

    public TableChangeLog(TableClient table, TimeProvider time, IOptions<ChangeLogOptions> options, ILogger<TableChangeLog> logger)
    {
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _maxClockSkew = (options ?? throw new ArgumentNullException(nameof(options))).Value.MaxClockSkew;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>How far behind its position a read starts: the clock skew allowed and the longest append.</summary>
    public TimeSpan Overlap => _maxClockSkew + AppendBound;

    /// <summary>0: the overlap covers both the skew and the time an append takes (see the class).</summary>
    public TimeSpan VisibilityLag => TimeSpan.Zero;

    public async Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(change.SubjectId, nameof(change));
        var kind = KindName(change.Kind);
        for (var attempt = 0; attempt < MaxAppendAttempts; attempt++)
        {
            var appendedAt = _time.GetUtcNow();
            var started = _time.GetTimestamp();
            var row = new TableEntity(PartitionKeyOf(appendedAt), TicksKey(appendedAt.UtcTicks) + "|" + Guid.NewGuid().ToString("N"))
            {
                [Kind] = kind,
                [SubjectId] = change.SubjectId,
                [Revision] = change.Version.Revision,
                [SettingVersion] = change.Version.SettingVersion,
            };

            var answer = await AddAsync(row, cancellationToken).ConfigureAwait(false);
            var took = _time.GetElapsedTime(started);
            if (took <= AppendBound)
            {
                CheckClock(appendedAt, took, answer);
                return;
            }

            // Landed too late for its time: readers may have passed it. The next entry carries a
            // fresh time; this one stays, a repeat.
        }

        throw new StoreUnavailableException($"The change log could not store a change within {AppendBound.TotalMilliseconds} ms in {MaxAppendAttempts} tries.");
    }

    /// <summary>This instance's clock: a reader starting now reads back <see cref="Overlap"/> from it.</summary>
    public Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ChangeLogPosition(_time.GetUtcNow().UtcTicks));

    /// <summary>
    /// One query from <see cref="Overlap"/> behind the position, read whole buckets at a time
    /// (the service answers in key order, so a bucket is complete once the next begins) until
    /// more than <paramref name="maxChanges"/> entries newer than the position are in, then
    /// sorted by time. The page holds every entry of the overlap (at or before the position,
    /// given again) and at most <paramref name="maxChanges"/> newer ones: the limit counts only
    /// these, so a reader makes progress however many changes one overlap holds.
    /// </summary>
    public async Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        var readerLimit = (_time.GetUtcNow() + _maxClockSkew).UtcTicks;
        var from = Math.Max(position.Value - Overlap.Ticks, DateTimeOffset.UnixEpoch.UtcTicks);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {BucketKey(from)} and RowKey ge {TicksKey(from)}");

        var found = new List<Entry>();
        var newer = 0;
        string? bucket = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, MaxPageSize, ReadColumns, cancellationToken).ConfigureAwait(false))
        {
            if (bucket is null || !row.PartitionKey.AsSpan().StartsWith(bucket, StringComparison.Ordinal))
            {
                if (newer > maxChanges)
                {
                    break;
                }

                bucket = row.PartitionKey[..Math.Min(BucketDigits, row.PartitionKey.Length)];
            }

            var entry = new Entry(TicksOf(row), row.RowKey, ToChange(row));
            newer += entry.Ticks > position.Value ? 1 : 0;
            found.Add(entry);
        }

        found.Sort(static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : string.CompareOrdinal(a.RowKey, b.RowKey));
        var hasMore = newer > maxChanges;
        var taken = found.Count - newer + Math.Min(newer, maxChanges);
        var changes = new List<ProjectedChange>(taken);
        for (var i = 0; i < taken; i++)
        {
            changes.Add(found[i].Change);
        }

        // Cut at the limit: on from the last entry given (others of its tick come again as repeats).
        // Else on from the newest, but never past this reader's clock + the skew (see the class).
        var next = hasMore
            ? found[taken - 1].Ticks
            : Math.Min(Math.Max(position.Value, taken > 0 ? found[taken - 1].Ticks : 0), readerLimit);
        return new ChangeLogPage(changes, new ChangeLogPosition(next), hasMore);
    }

    /// <summary>
    /// Deletes the entries before <paramref name="olderThan"/>: one query over the buckets up to
    /// the one holding it (row keys older than it), deleted in entity-group transactions of one
    /// partition. Another instance pruning at the same time is fine.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var before = Math.Max(olderThan.UtcTicks, DateTimeOffset.UnixEpoch.UtcTicks);
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {BucketKey(before + BucketLength.Ticks)} and RowKey lt {TicksKey(before)}");
        var pruned = 0;
        var batch = new List<TableTransactionAction>(MaxBatch);
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, MaxPageSize, KeyColumns, cancellationToken).ConfigureAwait(false))
        {
            if (batch.Count == MaxBatch || (batch.Count > 0 && batch[0].Entity.PartitionKey != row.PartitionKey))
            {
                pruned += await DeleteAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
        }

        if (batch.Count > 0)
        {
            pruned += await DeleteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return pruned;
    }

    private async Task<Response?> AddAsync(TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            return await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The key holds a fresh GUID: a 409 is this insert's own earlier try, which landed
            // but timed out before its answer (the client then retried it).
            return ex.GetRawResponse();
        }
    }

    /// <summary>The rows deleted; ones already gone (another instance pruning) are not counted.</summary>
    private async Task<int> DeleteAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            return batch.Count;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // One of them was gone, so none was deleted: one by one, each 404 of a row fine.
            var deleted = 0;
            foreach (var action in batch)
            {
                using var response = await _table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                TableRows.ThrowIfTableNotFound(response);
                deleted += response.Status == 404 ? 0 : 1;
            }

            return deleted;
        }
    }

    /// <summary>
    /// The service wrote its <c>Date</c> while the request ran, between <paramref name="appendedAt"/>
    /// and <paramref name="appendedAt"/> + <paramref name="took"/> on this clock: what this clock
    /// is certainly behind or ahead of the service's, beyond the skew allowed, is reported.
    /// </summary>
    private void CheckClock(DateTimeOffset appendedAt, TimeSpan took, Response? answer)
    {
        if (answer?.Headers.Date is not { } serviceDate)
        {
            return;
        }

        var behind = serviceDate - (appendedAt + took);
        var ahead = appendedAt - (serviceDate + DateResolution);
        if (behind <= _maxClockSkew && ahead <= _maxClockSkew)
        {
            return;
        }

        lock (_skewGate)
        {
            _skewedAppends++;
            var now = _time.GetTimestamp();
            if (_warnedAt is { } warnedAt && _time.GetElapsedTime(warnedAt, now) < WarningInterval)
            {
                return;
            }

            var (offset, direction) = behind > _maxClockSkew ? (behind, "behind") : (ahead, "ahead of");
            LogClockSkew(_logger, (long)offset.TotalMilliseconds, direction, (long)_maxClockSkew.TotalMilliseconds, _skewedAppends);
            _skewedAppends = 0;
            _warnedAt = now;
        }
    }

    private string PartitionKeyOf(DateTimeOffset appendedAt)
    {
        var shard = (int)((uint)Interlocked.Increment(ref _appends) % ShardCount);
        return BucketKey(appendedAt.UtcTicks) + "-" + shard.ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>The Unix second that starts the bucket of an instant (at or after 1970), zero-padded so that key order is time order.</summary>
    private static string BucketKey(long utcTicks)
    {
        var seconds = (utcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond;
        return (seconds - (seconds % BucketSeconds)).ToString("D11", CultureInfo.InvariantCulture);
    }

    private static string TicksKey(long utcTicks) => utcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static long TicksOf(TableEntity row) =>
        row.RowKey.Length > TicksDigits && long.TryParse(row.RowKey.AsSpan(0, TicksDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? ticks
            : throw TableRows.Invalid(row, nameof(TableEntity.RowKey));

    private static ProjectedChange ToChange(TableEntity row)
    {
        var kind = row.GetRequiredString(Kind) switch
        {
            "account" => SubjectKind.Account,
            "device" => SubjectKind.Device,
            _ => throw TableRows.Invalid(row, Kind),
        };
        return new ProjectedChange(kind, row.GetRequiredString(SubjectId), new SubjectVersion(row.GetRequiredInt64(Revision), row.GetRequiredInt64(SettingVersion)));
    }

    private static string KindName(SubjectKind kind) => kind switch
    {
        SubjectKind.Account => "account",
        SubjectKind.Device => "device",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a subject kind."),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "This instance's clock is at least {OffsetMilliseconds} ms {Direction} the table service's, beyond Consent:ChangeLog:MaxClockSkew ({MaxClockSkewMilliseconds} ms): readers of the change log may miss changes ({SkewedAppends} such appends since the last warning; docs/storage.md)")]
    private static partial void LogClockSkew(ILogger logger, long offsetMilliseconds, string direction, long maxClockSkewMilliseconds, long skewedAppends);

    private readonly record struct Entry(long Ticks, string RowKey, ProjectedChange Change);
}
