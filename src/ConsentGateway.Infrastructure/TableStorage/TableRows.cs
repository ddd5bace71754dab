using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>The row keys of both tables and the table operations the two stores share (see docs/storage.md).</summary>
internal static class TableRows
{
    /// <summary>accounts: the account row of a user's partition.</summary>
    public const string AccountKey = "account";

    /// <summary>accounts: one setting change per row, <c>history|{long.MaxValue - version:D19}</c>: newest first.</summary>
    public const string HistoryPrefix = "history|";

    /// <summary>
    /// accounts: the account-side index of linked devices, <c>device|{adId}</c>. Sorts between
    /// <c>account</c> and <c>history|</c>; the account read (<see cref="AccountAndHistoryFilter"/>) leaves it out.
    /// </summary>
    public const string DeviceLinkPrefix = "device|";

    /// <summary>devices: the registration row of a device's partition.</summary>
    public const string DeviceKey = "device";

    /// <summary>devices: one row per linked account, <c>link|{userId}</c>.</summary>
    public const string AccountLinkPrefix = "link|";

    /// <summary>Sorts after every character an id or a zero-padded version may hold, so <c>prefix</c>..<c>prefix~</c> is the prefix's range.</summary>
    private const char RangeEnd = '~';

    private static readonly string TableNotFound = TableErrorCode.TableNotFound.ToString();

    /// <summary>
    /// The version counted down from <see cref="long.MaxValue"/> and zero-padded to 19 digits, so
    /// that key order is newest first and the current setting is the partition's first history row.
    /// </summary>
    public static string HistoryKey(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return HistoryPrefix + (long.MaxValue - version).ToString("D19", CultureInfo.InvariantCulture);
    }

    public static long VersionOf(string historyKey) =>
        long.MaxValue - long.Parse(SuffixOf(historyKey, HistoryPrefix), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// The account row and every history row, and nothing else: not the device index that sorts
    /// between them, whose size the account read must not depend on (one query, not one page per
    /// 16 linked devices).
    /// </summary>
    public static string AccountAndHistoryFilter(string partitionKey)
    {
        var end = HistoryPrefix + RangeEnd;
        return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and (RowKey eq {AccountKey} or (RowKey ge {HistoryPrefix} and RowKey lt {end}))");
    }

    public static string SuffixOf(string rowKey, string prefix) =>
        rowKey.StartsWith(prefix, StringComparison.Ordinal)
            ? rowKey[prefix.Length..]
            : throw new InvalidDataException($"A row key outside the range '{prefix}' was read as one of it.");

    /// <summary>The rows of one partition whose keys start with <paramref name="prefix"/>, in key order.</summary>
    public static AsyncPageable<TableEntity> QueryPrefix(TableClient table, string partitionKey, string prefix, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        var end = prefix + RangeEnd;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {end}");
        return table.QueryAsync<TableEntity>(filter, maxPerPage: null, select, cancellationToken);
    }

    /// <summary>Inserts the row unless one with its keys exists: <c>true</c> if inserted, <c>false</c> if it was there (409).</summary>
    public static async Task<bool> TryAddAsync(TableClient table, TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces the row if it is still at <paramref name="etag"/>: <c>true</c> if replaced,
    /// <c>false</c> if it changed (412) or is gone (404). A missing table is an error.
    /// </summary>
    public static async Task<bool> TryReplaceAsync(TableClient table, TableEntity row, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412 || IsMissingRow(ex))
        {
            return false;
        }
    }

    /// <summary>The row asked for does not exist (404), as opposed to its table (404 <c>TableNotFound</c>: a fault, not an absence).</summary>
    public static bool IsMissingRow(RequestFailedException ex) =>
        ex is { Status: 404 } && ex.ErrorCode != TableNotFound;

    /// <summary>
    /// For the calls the SDK answers with a 404 response instead of an exception (a delete,
    /// <c>GetEntityIfExistsAsync</c>): a missing row is fine, a missing table throws. The service names the error in the
    /// <c>x-ms-error-code</c> header (API version 2017-07-29 and later).
    /// </summary>
    public static void ThrowIfTableNotFound(Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Status == 404 && response.Headers.TryGetValue("x-ms-error-code", out var code) && code == TableNotFound)
        {
            throw new RequestFailedException(response);
        }
    }

    /// <summary>A row with a single <paramref name="property"/> holding an instant.</summary>
    public static TableEntity Stamped(string partitionKey, string rowKey, string property, DateTimeOffset at) =>
        new(partitionKey, rowKey) { [property] = at.ToUniversalTime() };

    public static long GetRequiredInt64(this TableEntity row, string property) =>
        row.GetInt64(property) ?? throw Missing(row, property);

    public static bool GetRequiredBoolean(this TableEntity row, string property) =>
        row.GetBoolean(property) ?? throw Missing(row, property);

    public static DateTimeOffset GetRequiredDateTimeOffset(this TableEntity row, string property) =>
        row.GetDateTimeOffset(property) ?? throw Missing(row, property);

    public static string GetRequiredString(this TableEntity row, string property) =>
        row.GetString(property) ?? throw Missing(row, property);

    /// <summary>A stored country: the empty string is "none" (<c>default</c>); <c>null</c> when it is not an assigned code.</summary>
    public static CountryCode? ParseCountry(string stored) =>
        stored.Length == 0 ? default(CountryCode) : CountryCode.TryParse(stored, out var code) ? code : null;

    // The messages name the kind of row and the property, never a key: keys hold user and device ids.
    public static InvalidDataException Invalid(TableEntity row, string property) =>
        new($"A stored '{KindOf(row)}' row has an invalid {property}.");

    private static InvalidDataException Missing(TableEntity row, string property) =>
        new($"A stored '{KindOf(row)}' row lacks {property}.");

    private static string KindOf(TableEntity row) => row.RowKey.Split('|')[0];
}
