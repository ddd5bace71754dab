using ConsentGateway.Core.Accounts;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// <see cref="IAccountStore"/> on SQLite: the <c>accounts</c> row (its <c>row_version</c> is the
/// concurrency token), the <c>setting_history</c> rows keyed by (account, version), and the
/// account-side index of links, <c>account_devices</c> (layout: docs/storage.md).
/// </summary>
public sealed class SqliteAccountStore(SqliteDatabase database) : IAccountStore
{
    private const string UserChannel = "user";
    private const string ServiceChannel = "service";

    private readonly SqliteDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    /// <summary>The account row and its newest history entry, in one statement (one commit's view).</summary>
    public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Task.FromResult(_database.Read(connection =>
        {
            var command = connection.Command(
                """
                SELECT a.country, a.signed_up_at, a.revision, a.deleted, a.row_version, h.version, h.enabled, h.at
                FROM accounts a LEFT JOIN setting_history h
                    ON h.user_id = a.user_id AND h.version = (SELECT max(version) FROM setting_history WHERE user_id = a.user_id)
                WHERE a.user_id = $user
                """,
                ("$user", userId));
            using var row = command.ExecuteReader();
            if (!row.Read())
            {
                return null;
            }

            // No history yet: never set, at version 0.
            var hasSetting = !row.IsDBNull(5);
            return new AccountRecord(
                userId,
                row.Country(0, "accounts"),
                row.Instant(1),
                row.GetInt64(2),
                hasSetting ? row.NullableBoolean(6) : null,
                hasSetting ? row.GetInt64(5) : 0,
                hasSetting ? row.Instant(7) : null,
                row.GetBoolean(3),
                SqliteCommands.Token(row.GetInt64(4)));
        }));
    }

    public async Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentException.ThrowIfNullOrEmpty(proposed.UserId, nameof(proposed));
        try
        {
            var rowVersion = await _database.WriteAsync(connection => WriteAccount(connection, proposed, change, _database.NextRowVersion()), cancellationToken).ConfigureAwait(false);
            return rowVersion is { } written ? proposed with { ConcurrencyToken = SqliteCommands.Token(written) } : null;
        }
        catch (SqliteWriteConflictException)
        {
            return null;
        }
    }

    public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(change);
        return _database.WriteAsync(connection => InsertChange(connection, userId, change), cancellationToken);
    }

    public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Task.FromResult(_database.Read<IReadOnlyList<SettingChange>>(connection =>
        {
            var changes = new List<SettingChange>();
            var command = connection.Command("SELECT version, enabled, at, channel, policy_version, receipt_id, notice_version FROM setting_history WHERE user_id = $user ORDER BY version", ("$user", userId));
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                changes.Add(new SettingChange(
                    rows.GetInt64(0),
                    rows.NullableBoolean(1),
                    rows.Instant(2),
                    ParseChannel(rows.GetString(3)),
                    rows.GetString(4),
                    rows.IsDBNull(5) ? null : ParseReceipt(rows.GetString(5)),
                    rows.IsDBNull(6) ? null : rows.GetString(6)));
            }

            return changes;
        }));
    }

    public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Task.FromResult<IReadOnlyList<string>>(_database.Read(connection =>
            connection.Command("SELECT ad_id FROM account_devices WHERE user_id = $user", ("$user", userId)).ReadOrdinalIds()));
    }

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(adId);
        return _database.WriteAsync(
            connection => connection.Execute(
                "INSERT INTO account_devices (user_id, ad_id, linked_at) VALUES ($user, $device, $at) ON CONFLICT DO NOTHING",
                ("$user", userId),
                ("$device", adId),
                ("$at", SqliteCommands.Ticks(at))),
            cancellationToken);
    }

    /// <summary>
    /// Inserts (no token) or updates under the token, then the change if given, in one savepoint:
    /// a taken history version undoes the account write (<see cref="SqliteWriteConflictException"/>).
    /// Returns the new row version (<paramref name="next"/>), <c>null</c> when the row was not at the token.
    /// </summary>
    private static long? WriteAccount(SqliteConnection connection, AccountRecord proposed, SettingChange? change, long next)
    {
        (string, object?)[] facts =
        [
            ("$user", proposed.UserId),
            ("$country", proposed.Country.ToString()),
            ("$signedUp", SqliteCommands.Ticks(proposed.SignedUpAt)),
            ("$revision", proposed.Revision),
            ("$deleted", proposed.Deleted),
            ("$next", next),
        ];

        long? written;
        if (proposed.ConcurrencyToken is null)
        {
            var insert = connection.Command(
                """
                INSERT INTO accounts (user_id, country, signed_up_at, revision, deleted, row_version)
                VALUES ($user, $country, $signedUp, $revision, $deleted, $next)
                ON CONFLICT DO NOTHING RETURNING row_version
                """,
                facts);
            written = insert.ExecuteScalar() as long?;
        }
        else if (SqliteCommands.RowVersion(proposed.ConcurrencyToken) is { } expected)
        {
            var update = connection.Command(
                """
                UPDATE accounts SET country = $country, signed_up_at = $signedUp, revision = $revision, deleted = $deleted, row_version = $next
                WHERE user_id = $user AND row_version = $expected
                RETURNING row_version
                """,
                [.. facts, ("$expected", expected)]);
            written = update.ExecuteScalar() as long?;
        }
        else
        {
            written = null;
        }

        if (written is not null && change is not null && !InsertChange(connection, proposed.UserId, change))
        {
            throw new SqliteWriteConflictException();
        }

        return written;
    }

    private static bool InsertChange(SqliteConnection connection, string userId, SettingChange change)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(change.Version, nameof(change));
        return connection.Execute(
            """
            INSERT INTO setting_history (user_id, version, enabled, at, channel, policy_version, receipt_id, notice_version)
            VALUES ($user, $version, $enabled, $at, $channel, $policy, $receipt, $notice)
            ON CONFLICT DO NOTHING
            """,
            ("$user", userId),
            ("$version", change.Version),
            ("$enabled", change.Enabled),
            ("$at", SqliteCommands.Ticks(change.At)),
            ("$channel", ChannelName(change.Channel)),
            ("$policy", change.PolicyVersion),
            ("$receipt", change.ReceiptId?.ToString("D")),
            ("$notice", change.NoticeVersion)) == 1;
    }

    private static Guid ParseReceipt(string stored) =>
        Guid.TryParseExact(stored, "D", out var receipt) ? receipt : throw new InvalidDataException("A stored 'setting_history' row has an invalid receipt id.");

    private static string ChannelName(ChangeChannel channel) => channel switch
    {
        ChangeChannel.User => UserChannel,
        ChangeChannel.Service => ServiceChannel,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Unknown change channel."),
    };

    private static ChangeChannel ParseChannel(string stored) => stored switch
    {
        UserChannel => ChangeChannel.User,
        ServiceChannel => ChangeChannel.Service,
        _ => throw new InvalidDataException("A stored 'setting_history' row has an invalid channel."),
    };
}
