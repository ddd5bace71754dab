using ConsentGateway.Core.Accounts;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary><see cref="IDeviceStore"/> on SQLite: the <c>devices</c> row and one <c>device_links</c> row per linked account (docs/storage.md).</summary>
public sealed class SqliteDeviceStore(SqliteDatabase database) : IDeviceStore
{
    private readonly SqliteDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    public Task<bool> RegisterAsync(string adId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(adId);
        return _database.WriteAsync(connection => Register(connection, adId, at), cancellationToken);
    }

    /// <summary>The registration and the link in one savepoint: a link never exists without its device.</summary>
    public Task<bool> LinkAsync(string adId, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(adId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _database.WriteAsync(
            connection =>
            {
                Register(connection, adId, at);
                return connection.Execute(
                    "INSERT INTO device_links (ad_id, user_id, linked_at) VALUES ($device, $user, $at) ON CONFLICT DO NOTHING",
                    ("$device", adId),
                    ("$user", userId),
                    ("$at", SqliteCommands.Ticks(at))) == 1;
            },
            cancellationToken);
    }

    public Task<DeviceRecord?> FindAsync(string adId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(adId);
        return Task.FromResult(_database.ReadConsistent(connection =>
        {
            DateTimeOffset registeredAt;
            using (var row = connection.Command("SELECT registered_at FROM devices WHERE ad_id = $device", ("$device", adId)).ExecuteReader())
            {
                if (!row.Read())
                {
                    return null;
                }

                registeredAt = row.Instant(0);
            }

            var linkedUserIds = connection.Command("SELECT user_id FROM device_links WHERE ad_id = $device", ("$device", adId)).ReadOrdinalIds();
            return new DeviceRecord(adId, registeredAt, linkedUserIds);
        }));
    }

    private static bool Register(SqliteConnection connection, string adId, DateTimeOffset at) =>
        connection.Execute(
            "INSERT INTO devices (ad_id, registered_at) VALUES ($device, $at) ON CONFLICT DO NOTHING",
            ("$device", adId),
            ("$at", SqliteCommands.Ticks(at))) == 1;
}
