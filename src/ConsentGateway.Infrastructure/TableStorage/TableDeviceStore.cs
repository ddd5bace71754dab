using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// <see cref="IDeviceStore"/> on one table, one partition per device: its registration row and
/// one row per linked account (layout and reasons: docs/storage.md).
/// </summary>
public sealed class TableDeviceStore(TableClient table) : IDeviceStore
{
    private const string RegisteredAt = nameof(DeviceRecord.RegisteredAt);
    private const string LinkedAt = "LinkedAt";

    private readonly TableClient _table = table ?? throw new ArgumentNullException(nameof(table));

    public Task<bool> RegisterAsync(string adId, DateTimeOffset at, CancellationToken cancellationToken) =>
        TableRows.TryAddAsync(_table, TableRows.Stamped(adId, TableRows.DeviceKey, RegisteredAt, at), cancellationToken);

    public async Task<bool> LinkAsync(string adId, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // The device row first, then the link: a link never exists without its device, and each
        // insert is idempotent on its own. (One transaction of both would fail as a whole, and
        // need a second trip, whenever the device was registered before: the usual case.)
        await RegisterAsync(adId, at, cancellationToken).ConfigureAwait(false);
        return await TableRows.TryAddAsync(_table, TableRows.Stamped(adId, TableRows.AccountLinkPrefix + userId, LinkedAt, at), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One query of the device's partition: its registration row and its links in one trip.</summary>
    public async Task<DeviceRecord?> FindAsync(string adId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {adId}");
        DateTimeOffset? registeredAt = null;
        var linkedUserIds = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: null, select: null, cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == TableRows.DeviceKey)
            {
                registeredAt = row.GetRequiredDateTimeOffset(RegisteredAt);
            }
            else if (row.RowKey.StartsWith(TableRows.AccountLinkPrefix, StringComparison.Ordinal))
            {
                linkedUserIds.Add(row.RowKey[TableRows.AccountLinkPrefix.Length..]);
            }
        }

        if (registeredAt is not { } registered)
        {
            return null;
        }

        linkedUserIds.Sort(StringComparer.Ordinal);
        return new DeviceRecord(adId, registered, linkedUserIds);
    }
}
