using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// <see cref="IProjectionStore"/> on one table, one partition per subject: an account's row is
/// <c>u|{userId}</c> / <c>account</c>, a device's <c>d|{adId}</c> / <c>device</c>, holding the
/// ids of its linked accounts and their count (layout, reasons and limits: docs/storage.md).
/// </summary>
public sealed class TableProjectionStore(TableClient table) : IProjectionStore, IProjectionScan
{
    private const string AccountPartitionPrefix = "u|";
    private const string DevicePartitionPrefix = "d|";
    private const string Exists = nameof(AccountProjection.Exists);
    private const string Country = nameof(AccountProjection.Country);
    private const string SignedUpAt = nameof(AccountProjection.SignedUpAt);
    private const string Setting = nameof(AccountProjection.Setting);
    private const string Revision = nameof(AccountProjection.Revision);
    private const string SettingVersion = nameof(AccountProjection.SettingVersion);
    private const string LinkedUserIds = nameof(DeviceProjection.LinkedUserIds);
    private const string LinkCount = nameof(DeviceProjection.LinkCount);

    // The earlier layout's device row: every linked account's facts as JSON (docs/storage.md).
    private const string LegacyAccounts = "Accounts";

    // Ids never hold a comma (SubjectIds).
    private const char Separator = ',';

    private readonly TableClient _table = table ?? throw new ArgumentNullException(nameof(table));

    public async Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return await FindRowAsync(AccountPartitionPrefix + userId, TableRows.AccountKey, cancellationToken).ConfigureAwait(false) is { } row
            ? new Stored<AccountProjection>(ToAccount(userId, row), row.ETag.ToString())
            : null;
    }

    public async Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(adId);
        return await FindRowAsync(DevicePartitionPrefix + adId, TableRows.DeviceKey, cancellationToken).ConfigureAwait(false) is { } row
            ? new Stored<DeviceProjection>(ToDevice(adId, row), row.ETag.ToString())
            : null;
    }

    public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return TryPutAsync(ToRow(projection), expectedToken, cancellationToken);
    }

    public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return TryPutAsync(ToRow(projection), expectedToken, cancellationToken);
    }

    public IAsyncEnumerable<IReadOnlyList<AccountProjection>> ScanAccountsAsync(int pageSize, CancellationToken cancellationToken) =>
        ScanAsync(AccountPartitionPrefix, TableRows.AccountKey, row => ToAccount(row.PartitionKey[AccountPartitionPrefix.Length..], row), pageSize, cancellationToken);

    public IAsyncEnumerable<IReadOnlyList<DeviceProjection>> ScanDevicesAsync(int pageSize, CancellationToken cancellationToken) =>
        ScanAsync(DevicePartitionPrefix, TableRows.DeviceKey, row => ToDevice(row.PartitionKey[DevicePartitionPrefix.Length..], row), pageSize, cancellationToken);

    // The rows of one kind: partition keys from the prefix up to the next character after its separator.
    private async IAsyncEnumerable<IReadOnlyList<T>> ScanAsync<T>(
        string prefix, string rowKey, Func<TableEntity, T> read, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {end} and RowKey eq {rowKey}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                yield return [.. page.Values.Select(read)];
            }
        }
    }

    /// <summary>One point read; <c>null</c> when the row does not exist (its table missing is an error).</summary>
    private async Task<TableEntity?> FindRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        // Answers a missing row without an exception: most first projections of an account find none.
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select: null, cancellationToken).ConfigureAwait(false);
        if (response.HasValue)
        {
            return response.Value;
        }

        TableRows.ThrowIfTableNotFound(response.GetRawResponse());
        return null;
    }

    // Insert, or replace under the ETag; the new ETag comes back so the projector can write the row again without reading it.
    private async Task<string?> TryPutAsync(TableEntity row, string? expectedToken, CancellationToken cancellationToken)
    {
        try
        {
            var response = expectedToken is null
                ? await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(row, new ETag(expectedToken), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return (response.Headers.ETag ?? throw new InvalidOperationException("The table service answered a projection write without an ETag.")).ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 || TableRows.IsMissingRow(ex))
        {
            return null;
        }
    }

    private static TableEntity ToRow(AccountProjection account)
    {
        ArgumentException.ThrowIfNullOrEmpty(account.UserId, nameof(account));
        var row = new TableEntity(AccountPartitionPrefix + account.UserId, TableRows.AccountKey)
        {
            [Exists] = account.Exists,
            [Country] = account.Country.ToString(),
            [Revision] = account.Revision,
            [SettingVersion] = account.SettingVersion,
        };

        // A missing account has no sign-up instant (default, year 1): Edm.DateTime starts at 1601.
        if (account.SignedUpAt != default)
        {
            row[SignedUpAt] = account.SignedUpAt.ToUniversalTime();
        }

        if (account.Setting is { } setting)
        {
            row[Setting] = setting;
        }

        return row;
    }

    private static AccountProjection ToAccount(string userId, TableEntity row) =>
        new(
            userId,
            row.GetRequiredBoolean(Exists),
            TableRows.ParseCountry(row.GetRequiredString(Country)) ?? throw TableRows.Invalid(row, Country),
            row.GetDateTimeOffset(SignedUpAt) ?? default,
            row.GetBoolean(Setting),
            row.GetRequiredInt64(Revision),
            row.GetRequiredInt64(SettingVersion));

    private static TableEntity ToRow(DeviceProjection device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device.AdId, nameof(device));
        ArgumentNullException.ThrowIfNull(device.LinkedUserIds, nameof(device));
        return new TableEntity(DevicePartitionPrefix + device.AdId, TableRows.DeviceKey)
        {
            [LinkedUserIds] = string.Join(Separator, device.LinkedUserIds),
            [LinkCount] = (long)device.LinkCount,
        };
    }

    private static DeviceProjection ToDevice(string adId, TableEntity row)
    {
        if (row.ContainsKey(LegacyAccounts) && !row.ContainsKey(LinkCount))
        {
            return ToDeviceFromLegacy(adId, row);
        }

        var ids = row.GetRequiredString(LinkedUserIds);
        var count = row.GetRequiredInt64(LinkCount);
        string[] userIds = ids.Length == 0 ? [] : ids.Split(Separator);
        return count >= userIds.Length && count <= int.MaxValue
            ? new DeviceProjection(adId, userIds, (int)count)
            : throw TableRows.Invalid(row, LinkCount);
    }

    /// <summary>
    /// A row of the earlier layout read as what it is: an older projection of the same links (links
    /// are never removed), so the next device notice replaces it; its account facts are not used.
    /// </summary>
    private static DeviceProjection ToDeviceFromLegacy(string adId, TableEntity row)
    {
        List<LegacyAccount?>? accounts;
        try
        {
            accounts = JsonSerializer.Deserialize(row.GetRequiredString(LegacyAccounts), ProjectionJsonContext.Default.ListLegacyAccount);
        }
        catch (JsonException)
        {
            throw TableRows.Invalid(row, LegacyAccounts);
        }

        var userIds = new List<string>(accounts?.Count ?? 0);
        foreach (var account in accounts ?? throw TableRows.Invalid(row, LegacyAccounts))
        {
            userIds.Add(account?.UserId is { Length: > 0 } userId ? userId : throw TableRows.Invalid(row, LegacyAccounts));
        }

        userIds.Sort(StringComparer.Ordinal);
        return new DeviceProjection(adId, userIds, userIds.Count);
    }

    /// <summary>One linked account in a device row of the earlier layout; only its id is read.</summary>
    internal sealed record LegacyAccount([property: JsonPropertyName("u")] string? UserId);
}

[JsonSerializable(typeof(List<TableProjectionStore.LegacyAccount?>))]
internal sealed partial class ProjectionJsonContext : JsonSerializerContext;
