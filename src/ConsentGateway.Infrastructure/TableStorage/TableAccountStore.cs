using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using ConsentGateway.Core.Consent;
using ConsentGateway.Core.Policy;

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
    private const string Setting = nameof(AccountRecord.Setting);
    private const string SettingVersion = nameof(AccountRecord.SettingVersion);
    private const string SettingUpdatedAt = nameof(AccountRecord.SettingUpdatedAt);
    private const string Deleted = nameof(AccountRecord.Deleted);
    private const string Enabled = nameof(SettingChange.Enabled);
    private const string At = nameof(SettingChange.At);
    private const string Channel = nameof(SettingChange.Channel);
    private const string PolicyVersion = nameof(SettingChange.PolicyVersion);
    private const string LinkedAt = "LinkedAt";
    private const string UserChannel = "user";
    private const string ServiceChannel = "service";

    private readonly TableClient _table = table ?? throw new ArgumentNullException(nameof(table));

    public async Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityAsync<TableEntity>(userId, TableRows.AccountKey, select: null, cancellationToken).ConfigureAwait(false);
            return ToRecord(userId, response.Value);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != TableErrorCode.TableNotFound)
        {
            return null;
        }
    }

    public async Task<AccountRecord?> TryWriteAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken)
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

    public async Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken)
    {
        var changes = new List<SettingChange>();
        await foreach (var row in TableRows.QueryPrefix(_table, userId, TableRows.HistoryPrefix, select: null, cancellationToken).ConfigureAwait(false))
        {
            changes.Add(ToChange(row));
        }

        // Table Storage returns a partition in row-key order, which the D19 keys make version
        // order; sorted again for stores that do not promise it (Cosmos DB's Table API).
        changes.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        return changes;
    }

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) =>
        TableRows.TryAddAsync(_table, TableRows.Stamped(userId, TableRows.DeviceLinkPrefix + adId, LinkedAt, at), cancellationToken);

    public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken) =>
        TableRows.QuerySuffixesAsync(_table, userId, TableRows.DeviceLinkPrefix, cancellationToken);

    private static TableEntity ToRow(AccountRecord account)
    {
        var row = new TableEntity(account.UserId, TableRows.AccountKey)
        {
            [Country] = account.Country.ToString(),
            [SignedUpAt] = account.SignedUpAt.ToUniversalTime(),
            [Revision] = account.Revision,
            [SettingVersion] = account.SettingVersion,
            [Deleted] = account.Deleted,
        };

        // An absent property reads back as null: "never set" and "no change time" are absent.
        if (account.Setting is { } setting)
        {
            row[Setting] = setting;
        }

        if (account.SettingUpdatedAt is { } updatedAt)
        {
            row[SettingUpdatedAt] = updatedAt.ToUniversalTime();
        }

        return row;
    }

    private static AccountRecord ToRecord(string userId, TableEntity row)
    {
        var country = row.GetRequiredString(Country);
        CountryCode countryCode = default;
        if (country.Length != 0 && !CountryCode.TryParse(country, out countryCode))
        {
            throw TableRows.Invalid(row, Country);
        }

        return new AccountRecord(
            userId,
            countryCode,
            row.GetRequiredDateTimeOffset(SignedUpAt),
            row.GetRequiredInt64(Revision),
            row.GetBoolean(Setting),
            row.GetRequiredInt64(SettingVersion),
            row.GetDateTimeOffset(SettingUpdatedAt),
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
            row.GetRequiredString(PolicyVersion));
}
