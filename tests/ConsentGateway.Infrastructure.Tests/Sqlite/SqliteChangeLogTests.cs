using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using ConsentGateway.Infrastructure.Tests.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Infrastructure.Tests.Sqlite;

/// <summary>What the SQLite change log promises beyond the port contract: positions never reused, pruning a backlog whole through its index.</summary>
public sealed class SqliteChangeLogTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
    private readonly string _path = SqliteStoreHarness.NewPath();

    public void Dispose() => SqliteFiles.Delete(_path);

    [Fact]
    public async Task Positions_are_not_given_out_again_after_everything_is_pruned_and_the_file_reopened()
    {
        var clock = new FakeTimeProvider(T0);
        ChangeLogPosition remembered;
        await using (var database = SqliteDatabase.Open(_path))
        {
            var log = new SqliteChangeLog(database, clock);
            for (var i = 0; i < 3; i++)
            {
                await log.AppendAsync(Change(i), Ct);
            }

            remembered = (await log.ReadAsync(default, 10, Ct)).Next;
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(3, await log.PruneAsync(clock.GetUtcNow(), Ct));
        }

        await using var reopened = SqliteDatabase.Open(_path);
        var next = new SqliteChangeLog(reopened, clock);
        await next.AppendAsync(Change(3), Ct);

        // A reused position would put the new change at or before the one remembered: skipped.
        Assert.Equal([Change(3)], (await next.ReadAsync(remembered, 10, Ct)).Changes);
        Assert.True((await next.GetHeadAsync(Ct)).Value > remembered.Value);
    }

    [Fact]
    public async Task A_backlog_larger_than_one_prune_write_is_pruned_whole_and_by_the_time_index()
    {
        var clock = new FakeTimeProvider(T0);
        await using var database = SqliteDatabase.Open(_path);
        var log = new SqliteChangeLog(database, clock);
        await Task.WhenAll(Enumerable.Range(0, 12_001).Select(i => log.AppendAsync(Change(i), Ct)));
        clock.Advance(TimeSpan.FromSeconds(1));
        await log.AppendAsync(Change(-1), Ct);

        // The cutoff is the last change's own time: "before" it leaves it.
        Assert.Equal(12_001, await log.PruneAsync(clock.GetUtcNow(), Ct));

        Assert.Equal([Change(-1)], (await log.ReadAsync(default, 10, Ct)).Changes);
        var plan = database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN SELECT position FROM change_log WHERE appended_at < 0";
            using var rows = command.ExecuteReader();
            var details = new List<string>();
            while (rows.Read())
            {
                details.Add(rows.GetString(3));
            }

            return string.Join('\n', details);
        });
        Assert.Contains("USING COVERING INDEX change_log_by_time", plan, StringComparison.Ordinal);
    }

    private static ProjectedChange Change(int i) => new(SubjectKind.Account, $"user-{i}", new SubjectVersion(1, i));
}
