using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// <see cref="IAccountStore"/> on one table, one partition per account: the account row, its
/// setting history and its device index (layout and reasons: docs/storage.md).
/// </summary>
public sealed class TableAccountStore(TableClient table) : IAccountStore
{
    private const string Country = nameof(AccountRecord.Country);
    private const string SignedUpAt = nameof(AccountRecord.SignedUpAt);
    private const string Revision = nameof(AccountRecord.Revision);
    private const string Deleted = nameof(AccountRecord.Deleted);
    private const string Enabled = nameof(SettingChange.Enabled);
    private const string At = nameof(SettingChange.At);
    private const string Channel = nameof(SettingChange.Channel);
    private const string PolicyVersion = nameof(SettingChange.PolicyVersion);
    private const string ReceiptId = nameof(SettingChange.ReceiptId);
    private const string NoticeVersion = nameof(SettingChange.NoticeVersion);
    private const string LinkedAt = "LinkedAt";
    private const string UserChannel = "user";
    private const string ServiceChannel = "service";

    // The account row and the newest history row.
    private const int FindPageSize = 2;

    private static readonly string[] RowKeyOnly = [nameof(TableEntity.RowKey)];

    private readonly TableClient _table = table ?? throw new ArgumentNullException(nameof(table));

    /// <summary>
    /// One query of the account row and the history (newest first), not of the device index
    /// between them: one round trip of two rows however many devices the account has. Reading
    /// stops at the first history row.
    /// </summary>
    public async Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        TableEntity? account = null;
        TableEntity? newest = null;

        // The service may answer a page short (even empty) with a continuation: read on until
        // the newest history row is in or the range is done.
        var pages = _table.QueryAsync<TableEntity>(TableRows.AccountAndHistoryFilter(userId), maxPerPage: FindPageSize, select: null, cancellationToken).AsPages();
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var row in page.Values)
            {
                if (row.RowKey == TableRows.AccountKey)
                {
                    account = row;
                }
                else
                {
                    newest ??= row;
                    break;
                }
            }

            if (newest is not null)
            {
                break;
            }
        }

        return account is null ? null : ToRecord(userId, account, newest is null ? null : ToChange(newest));
    }

    public async Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        var row = ToRow(proposed);
        var account = proposed.ConcurrencyToken is { } token
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(token))
            : new TableTransactionAction(TableTransactionActionType.Add, row);
        try
        {
            Response written;
            if (change is null)
            {
                written = account.ActionType == TableTransactionActionType.Add
                    ? await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false)
                    : await _table.UpdateEntityAsync(row, account.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var history = new TableTransactionAction(TableTransactionActionType.Add, ToRow(proposed.UserId, change));
                var responses = await _table.SubmitTransactionAsync([account, history], cancellationToken).ConfigureAwait(false);
                written = responses.Value[0];
            }

            var etag = written.Headers.ETag ?? throw new InvalidOperationException("The table service answered a write of an account row without an ETag.");
            return proposed with { ConcurrencyToken = etag.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // 409: the row (or, in a transaction, the history row) exists; 412: the ETag is stale.
            // A failed transaction (TableTransactionFailedException) carries its failed action's status
            // and wrote nothing.
            return null;
        }
    }

    public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return TableRows.TryAddAsync(_table, ToRow(userId, change), cancellationToken);
    }

    public async Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken)
    {
        var changes = new List<SettingChange>();
        await foreach (var row in TableRows.QueryPrefix(_table, userId, TableRows.HistoryPrefix, select: null, cancellationToken).ConfigureAwait(false))
        {
            changes.Add(ToChange(row));
        }

        // Table Storage returns a partition in row-key order, newest first with these keys;
        // sorted oldest first here, which also covers stores that do not promise key order.
        changes.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        return changes;
    }

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) =>
        TableRows.TryAddAsync(_table, TableRows.Stamped(userId, TableRows.DeviceLinkPrefix + adId, LinkedAt, at), cancellationToken);

    /// <summary>The <c>device|</c> range of the partition (row keys only), in key order: ordinal order of the ids.</summary>
    public async Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken)
    {
        var devices = new List<string>();
        await foreach (var row in TableRows.QueryPrefix(_table, userId, TableRows.DeviceLinkPrefix, RowKeyOnly, cancellationToken).ConfigureAwait(false))
        {
            devices.Add(TableRows.SuffixOf(row.RowKey, TableRows.DeviceLinkPrefix));
        }

        return devices;
    }

    // The account's facts only: its setting lives in its history rows.
    private static TableEntity ToRow(AccountRecord account) =>
        new(account.UserId, TableRows.AccountKey)
        {
            [Country] = account.Country.ToString(),
            [SignedUpAt] = account.SignedUpAt.ToUniversalTime(),
            [Revision] = account.Revision,
            [Deleted] = account.Deleted,
        };

    // The setting is the newest history entry: none yet means never set, at version 0.
    private static AccountRecord ToRecord(string userId, TableEntity row, SettingChange? newest)
    {
        return new AccountRecord(
            userId,
            TableRows.ParseCountry(row.GetRequiredString(Country)) ?? throw TableRows.Invalid(row, Country),
            row.GetRequiredDateTimeOffset(SignedUpAt),
            row.GetRequiredInt64(Revision),
            newest?.Enabled,
            newest?.Version ?? 0,
            newest?.At,
            row.GetRequiredBoolean(Deleted),
            row.ETag.ToString());
    }

    private static TableEntity ToRow(string userId, SettingChange change)
    {
        var row = new TableEntity(userId, TableRows.HistoryKey(change.Version))
        {
            [At] = change.At.ToUniversalTime(),
            [Channel] = change.Channel switch
            {
                ChangeChannel.User => UserChannel,
                ChangeChannel.Service => ServiceChannel,
                _ => throw new ArgumentOutOfRangeException(nameof(change), change.Channel, "Unknown change channel."),
            },
            [PolicyVersion] = change.PolicyVersion,
        };

        if (change.Enabled is { } enabled)
        {
            row[Enabled] = enabled;
        }

        // Rows written before receipts existed have neither property, and read back without them.
        if (change.ReceiptId is { } receipt)
        {
            row[ReceiptId] = receipt;
        }

        if (change.NoticeVersion is { } notice)
        {
            row[NoticeVersion] = notice;
        }

        return row;
    }

    private static SettingChange ToChange(TableEntity row) =>
        new(
            TableRows.VersionOf(row.RowKey),
            row.GetBoolean(Enabled),
            row.GetRequiredDateTimeOffset(At),
            row.GetRequiredString(Channel) switch
            {
                UserChannel => ChangeChannel.User,
                ServiceChannel => ChangeChannel.Service,
                _ => throw TableRows.Invalid(row, Channel),
            },
            row.GetRequiredString(PolicyVersion),
            row.GetGuid(ReceiptId),
            row.GetString(NoticeVersion));
}
