using ConsentGateway.Core.Projection;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// <see cref="IProjectionStore"/> on SQLite: one <c>account_projections</c> row per account and
/// one <c>device_projections</c> row per device (its linked account ids, comma-separated, and
/// their count), each with a <c>row_version</c> standing for the ETag (unique in the file:
/// <see cref="SqliteDatabase.NextRowVersion"/>; docs/storage.md).
/// </summary>
public sealed class SqliteProjectionStore(SqliteDatabase database) : IProjectionStore, IProjectionScan
{
    // Ids never hold a comma (SubjectIds).
    private const char Separator = ',';

    private const string InsertAccount =
        """
        INSERT INTO account_projections (user_id, present, country, signed_up_at, setting, revision, setting_version, row_version)
        VALUES ($user, $present, $country, $signedUp, $setting, $revision, $settingVersion, $next)
        ON CONFLICT DO NOTHING RETURNING row_version
        """;

    private const string ReplaceAccount =
        """
        UPDATE account_projections
        SET present = $present, country = $country, signed_up_at = $signedUp, setting = $setting, revision = $revision, setting_version = $settingVersion, row_version = $next
        WHERE user_id = $user AND row_version = $expected
        RETURNING row_version
        """;

    private const string InsertDevice =
        """
        INSERT INTO device_projections (ad_id, linked_user_ids, link_count, row_version)
        VALUES ($device, $linked, $count, $next)
        ON CONFLICT DO NOTHING RETURNING row_version
        """;

    private const string ReplaceDevice =
        """
        UPDATE device_projections SET linked_user_ids = $linked, link_count = $count, row_version = $next
        WHERE ad_id = $device AND row_version = $expected
        RETURNING row_version
        """;

    private readonly SqliteDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    private const string AccountColumns = "user_id, present, country, signed_up_at, setting, revision, setting_version, row_version";

    public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Task.FromResult(_database.Read(connection =>
        {
            using var row = connection.Command($"SELECT {AccountColumns} FROM account_projections WHERE user_id = $user", ("$user", userId)).ExecuteReader();
            return row.Read() ? Account(row) : null;
        }));
    }

    /// <summary>One query for all of them: the ids go in as one JSON array, read back with <c>json_each</c>.</summary>
    public Task<IReadOnlyDictionary<string, Stored<AccountProjection>>> GetAccountsAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = System.Text.Json.JsonSerializer.Serialize(userIds, SqliteJsonContext.Default.IReadOnlyListString);
        return Task.FromResult<IReadOnlyDictionary<string, Stored<AccountProjection>>>(_database.Read(connection =>
        {
            var rows = new Dictionary<string, Stored<AccountProjection>>(StringComparer.Ordinal);
            using var row = connection.Command($"SELECT {AccountColumns} FROM account_projections WHERE user_id IN (SELECT value FROM json_each($users))", ("$users", ids)).ExecuteReader();
            while (row.Read())
            {
                var account = Account(row);
                rows[account.Value.UserId] = account;
            }

            return rows;
        }));
    }

    public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(adId);
        return Task.FromResult(_database.Read(connection =>
        {
            var command = connection.Command("SELECT linked_user_ids, link_count, row_version FROM device_projections WHERE ad_id = $device", ("$device", adId));
            using var row = command.ExecuteReader();
            if (!row.Read())
            {
                return null;
            }

            return new Stored<DeviceProjection>(Device(adId, row.GetString(0), row.GetInt64(1)), SqliteCommands.Token(row.GetInt64(2)));
        }));
    }

    public IAsyncEnumerable<IReadOnlyList<AccountProjection>> ScanAccountsAsync(int pageSize, CancellationToken cancellationToken) =>
        Pages($"SELECT {AccountColumns} FROM account_projections WHERE user_id > $after ORDER BY user_id LIMIT $limit", row => Account(row).Value, account => account.UserId, pageSize, cancellationToken).ToAsyncEnumerable();

    public IAsyncEnumerable<IReadOnlyList<DeviceProjection>> ScanDevicesAsync(int pageSize, CancellationToken cancellationToken) =>
        Pages("SELECT ad_id, linked_user_ids, link_count FROM device_projections WHERE ad_id > $after ORDER BY ad_id LIMIT $limit", row => Device(row.GetString(0), row.GetString(1), row.GetInt64(2)), device => device.AdId, pageSize, cancellationToken).ToAsyncEnumerable();

    // Keyset pages: each a short read of its own, so a long scan never holds the reader for long.
    private IEnumerable<IReadOnlyList<T>> Pages<T>(string sql, Func<SqliteDataReader, T> read, Func<T, string> keyOf, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var after = string.Empty;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = _database.Read(connection =>
            {
                var rows = new List<T>(pageSize);
                using var row = connection.Command(sql, ("$after", after), ("$limit", pageSize)).ExecuteReader();
                while (row.Read())
                {
                    rows.Add(read(row));
                }

                return rows;
            });
            if (page.Count > 0)
            {
                yield return page;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = keyOf(page[^1]);
        }
    }

    private static DeviceProjection Device(string adId, string ids, long count)
    {
        string[] userIds = ids.Length == 0 ? [] : ids.Split(Separator);
        return count >= userIds.Length && count <= int.MaxValue
            ? new DeviceProjection(adId, userIds, (int)count)
            : throw new InvalidDataException("A stored 'device_projections' row has an invalid link_count.");
    }

    private static Stored<AccountProjection> Account(SqliteDataReader row) =>
        new(
            new AccountProjection(row.GetString(0), row.GetBoolean(1), row.Country(2, "account_projections"), row.Instant(3), row.NullableBoolean(4), row.GetInt64(5), row.GetInt64(6)),
            SqliteCommands.Token(row.GetInt64(7)));

    public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentException.ThrowIfNullOrEmpty(projection.UserId, nameof(projection));
        return TryPutAsync(
            InsertAccount,
            ReplaceAccount,
            [
                ("$user", projection.UserId),
                ("$present", projection.Exists),
                ("$country", projection.Country.ToString()),
                ("$signedUp", SqliteCommands.Ticks(projection.SignedUpAt)),
                ("$setting", projection.Setting),
                ("$revision", projection.Revision),
                ("$settingVersion", projection.SettingVersion),
            ],
            expectedToken,
            cancellationToken);
    }

    public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentException.ThrowIfNullOrEmpty(projection.AdId, nameof(projection));
        ArgumentNullException.ThrowIfNull(projection.LinkedUserIds, nameof(projection));
        return TryPutAsync(
            InsertDevice,
            ReplaceDevice,
            [("$device", projection.AdId), ("$linked", string.Join(Separator, projection.LinkedUserIds)), ("$count", projection.LinkCount)],
            expectedToken,
            cancellationToken);
    }

    /// <summary>
    /// Inserts (no token) or replaces the row if still at the token; the new token comes back so
    /// the projector can write the row again without reading it. <c>null</c>: a lost race.
    /// </summary>
    private Task<string?> TryPutAsync(string insert, string replace, (string Name, object? Value)[] values, string? expectedToken, CancellationToken cancellationToken)
    {
        if (expectedToken is null)
        {
            return _database.WriteAsync(connection => Put(connection, insert, [.. values, ("$next", _database.NextRowVersion())]), cancellationToken);
        }

        if (SqliteCommands.RowVersion(expectedToken) is not { } expected)
        {
            return Task.FromResult<string?>(null);
        }

        return _database.WriteAsync(connection => Put(connection, replace, [.. values, ("$expected", expected), ("$next", _database.NextRowVersion())]), cancellationToken);
    }

    private static string? Put(SqliteConnection connection, string sql, (string, object?)[] parameters) =>
        connection.Command(sql, parameters).ExecuteScalar() is long rowVersion ? SqliteCommands.Token(rowVersion) : null;
}
