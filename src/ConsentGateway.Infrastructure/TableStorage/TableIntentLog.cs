using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// <see cref="IIntentLog"/> on one table spread over <see cref="ShardCount"/> partitions,
/// <c>intents-{shard:x}</c> (the shard from a stable hash of the key), each ordered by time
/// with row keys <c>{recordedAt.UtcTicks:D19}|{guid:N}</c> (layout and reasons: docs/storage.md).
/// </summary>
public sealed class TableIntentLog(TableClient table) : IIntentLog
{
    /// <summary>Partitions the writes are spread over, so that no single partition takes them all.</summary>
    public const int ShardCount = 16;

    /// <summary>What <see cref="Intent.Id"/> puts between the partition key and the row key; neither holds it.</summary>
    public const char IdSeparator = '/';

    private const string PartitionPrefix = "intents-";
    private const string Kind = nameof(Intent.Kind);
    private const string Key = nameof(Intent.Key);
    private const string LinkedUserId = nameof(Intent.LinkedUserId);
    private const string RecordedAt = nameof(Intent.RecordedAt);

    // The ticks are 19 digits: fixed width, so key order is time order.
    private const int TicksLength = 19;
    private const int GuidLength = 32;

    /// <summary>The page size of the service.</summary>
    private const int MaxPageSize = 1000;

    private static readonly string[] Partitions = [.. Enumerable.Range(0, ShardCount).Select(shard => PartitionPrefix + shard.ToString("x", CultureInfo.InvariantCulture))];

    private static readonly Dictionary<string, ChangeKind> Kinds = Enum.GetValues<ChangeKind>().ToDictionary(ChangeNotice.KindName, StringComparer.Ordinal);

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    private readonly TableClient _table = table ?? throw new ArgumentNullException(nameof(table));

    public async Task<Intent> RecordAsync(ChangeKind kind, string key, string? linkedUserId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var recordedAt = at.ToUniversalTime();
        var row = new TableEntity(PartitionOf(key), RowKeyPrefix(recordedAt) + "|" + Guid.NewGuid().ToString("N"))
        {
            [Kind] = ChangeNotice.KindName(kind),
            [Key] = key,
            [RecordedAt] = recordedAt,
        };

        if (linkedUserId is not null)
        {
            row[LinkedUserId] = linkedUserId;
        }

        // The key holds a fresh GUID: a 409 can only be this insert's own earlier try, which
        // landed but timed out before its answer (the client then retried it).
        await TableRows.TryAddAsync(_table, row, cancellationToken).ConfigureAwait(false);
        return new Intent(IdOf(row), kind, key, recordedAt, linkedUserId);
    }

    /// <summary>
    /// One range query per shard, in parallel (each shard is in time order, so only its first
    /// <paramref name="max"/> rows can be among the oldest <paramref name="max"/>), merged oldest first.
    /// </summary>
    public async Task<IReadOnlyList<Intent>> GetPendingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        var before = RowKeyPrefix(recordedBefore);
        var shards = await Task.WhenAll(Partitions.Select(partition => OldestAsync(partition, before, max, cancellationToken))).ConfigureAwait(false);

        // Oldest first; intents of the same tick in a stable order (their ids).
        return [.. shards.SelectMany(rows => rows).OrderBy(intent => intent.RecordedAt.UtcTicks).ThenBy(intent => intent.Id, StringComparer.Ordinal).Take(max)];
    }

    /// <summary>Deletes the entry unconditionally (an intent row is never updated); one already gone is fine.</summary>
    public async Task ClearAsync(string intentId, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = ParseId(intentId);

        // The SDK answers a missing entity with the 404 response rather than an exception. A
        // missing table is a fault, not an intent already cleared.
        using var response = await _table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        TableRows.ThrowIfTableNotFound(response);
    }

    /// <summary>The partition of <paramref name="key"/>: the first byte of its SHA-256 (stable across processes and machines), modulo <see cref="ShardCount"/>.</summary>
    public static string PartitionOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Partitions[hash[0] % ShardCount];
    }

    /// <summary>The partition and row key an <see cref="Intent.Id"/> names; <see cref="ArgumentException"/> when it names none.</summary>
    public static (string PartitionKey, string RowKey) ParseId(string intentId)
    {
        ArgumentNullException.ThrowIfNull(intentId);
        var separator = intentId.IndexOf(IdSeparator, StringComparison.Ordinal);
        if (separator < 0 || !Partitions.Contains(intentId[..separator]) || !IsRowKey(intentId.AsSpan(separator + 1)))
        {
            // The value is not shown: it came from a message body and may hold anything.
            throw new ArgumentException($"Not an intent id of this log: expected '{PartitionPrefix}{{shard}}{IdSeparator}{{ticks:D19}}|{{guid:N}}'.", nameof(intentId));
        }

        return (intentId[..separator], intentId[(separator + 1)..]);
    }

    private async Task<List<Intent>> OldestAsync(string partition, string before, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {before}");
        var intents = new List<Intent>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, Math.Min(max, MaxPageSize), select: null, cancellationToken).ConfigureAwait(false))
        {
            intents.Add(ToIntent(row));
            if (intents.Count == max)
            {
                break;
            }
        }

        return intents;
    }

    private static Intent ToIntent(TableEntity row)
    {
        var kind = Kinds.TryGetValue(row.GetRequiredString(Kind), out var known) ? known : throw TableRows.Invalid(row, Kind);
        return new Intent(IdOf(row), kind, row.GetRequiredString(Key), row.GetRequiredDateTimeOffset(RecordedAt), row.GetString(LinkedUserId));
    }

    private static string IdOf(TableEntity row) => row.PartitionKey + IdSeparator + row.RowKey;

    private static string RowKeyPrefix(DateTimeOffset instant) => instant.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static bool IsRowKey(ReadOnlySpan<char> rowKey) =>
        rowKey.Length == TicksLength + 1 + GuidLength
        && !rowKey[..TicksLength].ContainsAnyExceptInRange('0', '9')
        && rowKey[TicksLength] == '|'
        && !rowKey[(TicksLength + 1)..].ContainsAnyExcept(LowerHexDigits);
}
