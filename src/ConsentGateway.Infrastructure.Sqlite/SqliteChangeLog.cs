using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>
/// <see cref="IChangeLog"/> on SQLite: one <c>change_log</c> row per change, its position the
/// row's <c>AUTOINCREMENT</c> key. One writer assigns the keys in commit order, and a group
/// transaction becomes visible whole, so a reader that has seen a position has seen every
/// change before it: a read is the rows after the position, nothing repeats, and an
/// acknowledged append is visible at once (<see cref="VisibilityLag"/> 0). Pruning goes by
/// <c>appended_at</c> (UTC ticks of the log's clock) through its index (docs/embedded-store.md).
/// </summary>
public sealed class SqliteChangeLog(SqliteDatabase database, TimeProvider time) : IChangeLog
{
    // Rows one prune write deletes: a large backlog is pruned in short savepoints, so the
    // writes sharing the group transaction do not wait behind one long delete.
    private const int PruneBatch = 5_000;

    private readonly SqliteDatabase _database = database ?? throw new ArgumentNullException(nameof(database));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    public TimeSpan VisibilityLag => TimeSpan.Zero;

    public Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(change.SubjectId, nameof(change));
        var kind = KindName(change.Kind);
        return _database.WriteAsync(
            connection => connection.Execute(
                "INSERT INTO change_log (kind, subject_id, revision, setting_version, appended_at) VALUES ($kind, $subject, $revision, $settingVersion, $at)",
                ("$kind", kind),
                ("$subject", change.SubjectId),
                ("$revision", change.Version.Revision),
                ("$settingVersion", change.Version.SettingVersion),
                ("$at", SqliteCommands.Ticks(_time.GetUtcNow()))),
            cancellationToken);
    }

    public Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_database.Read(connection =>
            new ChangeLogPosition((long)connection.Command("SELECT coalesce(max(position), 0) FROM change_log").ExecuteScalar()!)));

    public Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        return Task.FromResult(_database.Read(connection =>
        {
            // One row past the limit tells whether there is more.
            var command = connection.Command(
                "SELECT position, kind, subject_id, revision, setting_version FROM change_log WHERE position > $after ORDER BY position LIMIT $limit",
                ("$after", position.Value),
                ("$limit", (long)maxChanges + 1));
            var changes = new List<ProjectedChange>();
            var next = position;
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                if (changes.Count == maxChanges)
                {
                    return new ChangeLogPage(changes, next, HasMore: true);
                }

                changes.Add(new ProjectedChange(ParseKind(rows.GetString(1)), rows.GetString(2), new SubjectVersion(rows.GetInt64(3), rows.GetInt64(4))));
                next = new ChangeLogPosition(rows.GetInt64(0));
            }

            return new ChangeLogPage(changes, next, HasMore: false);
        }));
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var before = SqliteCommands.Ticks(olderThan);
        var pruned = 0;
        int deleted;
        do
        {
            deleted = await _database.WriteAsync(
                connection => connection.Execute(
                    "DELETE FROM change_log WHERE position IN (SELECT position FROM change_log WHERE appended_at < $before LIMIT $batch)",
                    ("$before", before),
                    ("$batch", PruneBatch)),
                cancellationToken).ConfigureAwait(false);
            pruned += deleted;
        }
        while (deleted == PruneBatch);

        return pruned;
    }

    private static string KindName(SubjectKind kind) => kind switch
    {
        SubjectKind.Account => "account",
        SubjectKind.Device => "device",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a subject kind."),
    };

    private static SubjectKind ParseKind(string stored) => stored switch
    {
        "account" => SubjectKind.Account,
        "device" => SubjectKind.Device,
        _ => throw new InvalidDataException("A stored 'change_log' row has an invalid kind."),
    };
}
