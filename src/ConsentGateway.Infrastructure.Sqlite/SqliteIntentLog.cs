using System.Globalization;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// <see cref="IIntentLog"/> on SQLite: one <c>intents</c> row per entry, its id the row's
/// <c>AUTOINCREMENT</c> key (never reused, so clearing an entry twice can never remove a newer
/// one), read oldest first through an index on (<c>recorded_at</c>, <c>id</c>).
/// </summary>
public sealed class SqliteIntentLog(SqliteDatabase database) : IIntentLog
{
    private static readonly Dictionary<string, ChangeKind> Kinds = Enum.GetValues<ChangeKind>().ToDictionary(ChangeNotice.KindName, StringComparer.Ordinal);

    private readonly SqliteDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    public async Task<Intent> RecordAsync(ChangeKind kind, string key, string? linkedUserId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var recordedAt = at.ToUniversalTime();
        var id = await _database.WriteAsync(
            connection =>
            {
                var insert = connection.Command(
                    "INSERT INTO intents (kind, key, linked_user_id, recorded_at) VALUES ($kind, $key, $linked, $at) RETURNING id",
                    ("$kind", ChangeNotice.KindName(kind)),
                    ("$key", key),
                    ("$linked", linkedUserId),
                    ("$at", SqliteCommands.Ticks(recordedAt)));
                return (long)insert.ExecuteScalar()!;
            },
            cancellationToken).ConfigureAwait(false);
        return new Intent(IdOf(id), kind, key, recordedAt, linkedUserId);
    }

    public Task<IReadOnlyList<Intent>> GetPendingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Task.FromResult(_database.Read<IReadOnlyList<Intent>>(connection =>
        {
            var intents = new List<Intent>();
            var command = connection.Command(
                "SELECT id, kind, key, linked_user_id, recorded_at FROM intents WHERE recorded_at < $before ORDER BY recorded_at, id LIMIT $max",
                ("$before", SqliteCommands.Ticks(recordedBefore)),
                ("$max", max));
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                var kind = Kinds.TryGetValue(rows.GetString(1), out var known) ? known : throw new InvalidDataException("A stored 'intents' row has an invalid kind.");
                intents.Add(new Intent(IdOf(rows.GetInt64(0)), kind, rows.GetString(2), rows.Instant(4), rows.IsDBNull(3) ? null : rows.GetString(3)));
            }

            return intents;
        }));
    }

    public Task ClearAsync(string intentId, CancellationToken cancellationToken)
    {
        var id = ParseId(intentId);
        return _database.WriteAsync(connection => connection.Execute("DELETE FROM intents WHERE id = $id", ("$id", id)), cancellationToken);
    }

    /// <summary>The row an <see cref="Intent.Id"/> names; <see cref="ArgumentException"/> when it names none of this log's.</summary>
    public static long ParseId(string intentId)
    {
        ArgumentNullException.ThrowIfNull(intentId);

        // The value is not shown: it came from a message body and may hold anything.
        return long.TryParse(intentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 && IdOf(id) == intentId
            ? id
            : throw new ArgumentException("Not an intent id of this log: expected a positive decimal number.", nameof(intentId));
    }

    private static string IdOf(long id) => id.ToString(CultureInfo.InvariantCulture);
}
