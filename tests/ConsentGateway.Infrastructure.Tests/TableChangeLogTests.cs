using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Infrastructure.Tests.Contracts;
using ConsentGateway.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>
/// What only the Table Storage change log does: its keys, one query per read, writers' clocks
/// apart (each writer its own <see cref="FakeTimeProvider"/>), appends that land late, pruning in
/// batches. The port's semantics are <see cref="ChangeLogContract"/>.
/// </summary>
[Collection(SharedAzurite.Name)]
public sealed class TableChangeLogTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    // Not a whole bucket: entries of one test fall in two.
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 29, 8, 0, 7, TimeSpan.Zero).AddTicks(1234567);

    private static readonly TimeSpan MaxClockSkew = new ChangeLogOptions().MaxClockSkew;

    private TableClient _table = null!;

    public async Task InitializeAsync() => _table = await azurite.CreateTableAsync("changelog");

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task Entries_are_keyed_by_the_time_bucket_and_shard_then_by_time_with_a_unique_suffix()
    {
        var clock = new FakeTimeProvider(T0);
        var log = Log(clock);
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 8; i++)
        {
            times.Add(clock.GetUtcNow());
            await log.AppendAsync(Change(i), Ct);
            clock.Advance(TimeSpan.FromMilliseconds(3));
        }

        var rows = await _table.QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct);

        var bucket = (T0.ToUnixTimeSeconds() / 10 * 10).ToString("D11", CultureInfo.InvariantCulture);
        Assert.Equal(8, rows.Count);
        Assert.All(rows, row => Assert.Matches($"^{bucket}-0[0-3]$", row.PartitionKey));
        Assert.Equal(TableChangeLog.ShardCount, rows.Select(row => row.PartitionKey).Distinct().Count());
        Assert.All(rows, row => Assert.Matches(@"^\d{19}\|[0-9a-f]{32}$", row.RowKey));
        var byTime = rows.OrderBy(row => row.RowKey, StringComparer.Ordinal).ToList();
        Assert.Equal(times.Select(time => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)), byTime.Select(row => row.RowKey[..19]));
        Assert.Equal(("account", "user-0", 1L, 0L), (byTime[0].GetString("Kind"), byTime[0].GetString("SubjectId"), byTime[0].GetInt64("Revision"), byTime[0].GetInt64("SettingVersion")));
        Assert.Equal(("device", "device-1"), (byTime[1].GetString("Kind"), byTime[1].GetString("SubjectId")));
    }

    [Fact]
    public async Task A_read_is_one_query_whatever_the_number_of_subjects()
    {
        var clock = new FakeTimeProvider(T0);
        var writer = Log(clock);
        var requests = new RequestHook(_ => { });
        var reader = Log(clock, ClientWith(requests));
        var head = await reader.GetHeadAsync(Ct);
        for (var i = 0; i < 300; i++)
        {
            await writer.AppendAsync(Change(i), Ct);
            clock.Advance(TimeSpan.FromMilliseconds(20));
        }

        var page = await reader.ReadAsync(head, 1000, Ct);

        Assert.Equal(300, page.Changes.Distinct().Count());
        Assert.False(page.HasMore);

        // Six seconds of changes over two buckets of four shards. Azure may answer such a query in
        // more pages (a continuation where it crosses a partition): one per partition at most.
        Assert.Equal(1, requests.Count("GET"));
    }

    [Theory]
    [InlineData(1_500, true)]
    [InlineData(2_999, true)]
    [InlineData(3_001, false)]
    [InlineData(10_000, false)]
    public async Task A_writer_behind_by_less_than_the_overlap_is_read_one_further_behind_is_missed(int behindMilliseconds, bool read)
    {
        var now = TimeProvider.System.GetUtcNow();
        var reader = Log(new FakeTimeProvider(now));
        var onTime = Log(new FakeTimeProvider(now));
        var behind = Log(new FakeTimeProvider(now - TimeSpan.FromMilliseconds(behindMilliseconds)));
        Assert.Equal(TimeSpan.FromSeconds(3), reader.Overlap);

        var head = await reader.GetHeadAsync(Ct);
        await onTime.AppendAsync(Change(0), Ct);
        var first = await reader.ReadAsync(head, 100, Ct);
        Assert.Equal([Change(0)], first.Changes);
        await behind.AppendAsync(Change(1), Ct);

        var second = await reader.ReadAsync(first.Next, 100, Ct);

        // Beyond the overlap, the documented loss: the entry is stored, behind this reader's window.
        Assert.Equal(read, second.Changes.Contains(Change(1)));
        Assert.Contains(Change(1), (await reader.ReadAsync(head with { Value = head.Value - TimeSpan.FromSeconds(10).Ticks }, 100, Ct)).Changes);
    }

    [Fact]
    public async Task A_writer_ahead_does_not_carry_the_readers_position_past_the_other_writers()
    {
        var now = TimeProvider.System.GetUtcNow();
        var reader = Log(new FakeTimeProvider(now));
        var onTime = Log(new FakeTimeProvider(now));
        var ahead = Log(new FakeTimeProvider(now + TimeSpan.FromMinutes(1)));

        var head = await reader.GetHeadAsync(Ct);
        await ahead.AppendAsync(Change(0), Ct);
        var first = await reader.ReadAsync(head, 100, Ct);
        Assert.Equal([Change(0)], first.Changes);
        Assert.InRange(first.Next.Value, head.Value, (now + MaxClockSkew).UtcTicks);
        await onTime.AppendAsync(Change(1), Ct);

        var second = await reader.ReadAsync(first.Next, 100, Ct);

        // The early entry comes again until its time; the on-time one is not skipped.
        Assert.Equal([Change(1), Change(0)], second.Changes);
    }

    [Fact]
    public async Task A_clock_certainly_off_the_services_is_warned_about_at_most_once_a_minute_and_without_ids()
    {
        using var logs = new CapturedLogs();
        using var loggers = new LoggerFactory([logs]);
        var now = TimeProvider.System.GetUtcNow();
        var skewed = new FakeTimeProvider(now - TimeSpan.FromSeconds(10));
        var onTime = Log(new FakeTimeProvider(now), logger: loggers.CreateLogger<TableChangeLog>());
        var behind = Log(skewed, logger: loggers.CreateLogger<TableChangeLog>());

        await onTime.AppendAsync(new ProjectedChange(SubjectKind.Account, "user-on-time", new SubjectVersion(1, 1)), Ct);
        Assert.Empty(logs.Events);
        await behind.AppendAsync(new ProjectedChange(SubjectKind.Account, "user-secret-1", new SubjectVersion(1, 1)), Ct);
        await behind.AppendAsync(new ProjectedChange(SubjectKind.Account, "user-secret-2", new SubjectVersion(1, 1)), Ct);

        var warning = Assert.Single(logs.Events);
        Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
        Assert.Contains("ms behind the table service's", warning, StringComparison.Ordinal);
        Assert.Contains("Consent:ChangeLog:MaxClockSkew (2000 ms)", warning, StringComparison.Ordinal);
        Assert.Contains("SkewedAppends=1", warning, StringComparison.Ordinal);

        // A minute on, the same clock is now 50 s ahead: warned again, counting the append in between.
        skewed.Advance(TimeSpan.FromMinutes(1));
        await behind.AppendAsync(new ProjectedChange(SubjectKind.Device, "device-secret", SubjectVersion.OfDevice(1)), Ct);

        Assert.Equal(2, logs.Events.Count);
        Assert.Contains("ms ahead of the table service's", logs.Events.Last(), StringComparison.Ordinal);
        Assert.Contains("SkewedAppends=2", logs.Events.Last(), StringComparison.Ordinal);
        Assert.All(logs.Events, entry => Assert.DoesNotContain("secret", entry, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_append_acknowledged_later_than_the_bound_is_appended_again_with_a_fresh_time()
    {
        var clock = new FakeTimeProvider(T0);
        var slowInserts = 1;
        var log = Log(clock, ClientWith(new RequestHook(message =>
        {
            // The store takes 1.5 s to acknowledge the first insert.
            if (message.Request.Method == RequestMethod.Post && slowInserts-- > 0)
            {
                clock.Advance(TimeSpan.FromSeconds(1.5));
            }
        })));
        var head = await log.GetHeadAsync(Ct);

        await log.AppendAsync(Change(0), Ct);

        var ticks = (await _table.QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct)).Select(row => long.Parse(row.RowKey[..19], CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal([T0.UtcTicks, (T0 + TimeSpan.FromSeconds(1.5)).UtcTicks], ticks);
        Assert.Equal([Change(0)], (await log.ReadAsync(head, 10, Ct)).Changes.Distinct());
    }

    [Fact]
    public async Task An_append_that_is_never_acknowledged_within_the_bound_is_unavailable()
    {
        var clock = new FakeTimeProvider(T0);
        var log = Log(clock, ClientWith(new RequestHook(message =>
        {
            if (message.Request.Method == RequestMethod.Post)
            {
                clock.Advance(TimeSpan.FromSeconds(1.5));
            }
        })));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.AppendAsync(Change(0), Ct));

        Assert.Equal(3, (await _table.QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_reader_gets_through_buckets_and_through_more_changes_in_one_overlap_than_a_page_holds()
    {
        var clock = new FakeTimeProvider(T0);
        var log = Log(clock);
        var head = await log.GetHeadAsync(Ct);

        // 20 changes 3 s apart (six buckets), 40 changes 10 ms apart (one overlap), 30 at one tick.
        var spread = await AppendEachAsync(log, clock, 0, 20, TimeSpan.FromSeconds(3));
        var dense = await AppendEachAsync(log, clock, 20, 40, TimeSpan.FromMilliseconds(10));
        var oneTick = await AppendEachAsync(log, clock, 60, 30, TimeSpan.Zero);

        var learnt = new List<ProjectedChange>();
        var page = new ChangeLogPage([], head, HasMore: true);
        for (var reads = 0; page.HasMore; reads++)
        {
            Assert.True(reads < 25, "90 changes took more than 25 reads of 5");
            page = await log.ReadAsync(page.Next, 5, Ct);
            learnt.AddRange(page.Changes.Except(learnt));
        }

        Assert.Equal([.. spread, .. dense], learnt[..60]);
        Assert.Equal(oneTick.Select(change => change.SubjectId).Order(StringComparer.Ordinal), learnt[60..].Select(change => change.SubjectId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pruning_deletes_the_older_entries_in_entity_group_transactions_and_keeps_the_newer()
    {
        var clock = new FakeTimeProvider(T0);
        var requests = new RequestHook(_ => { });
        var log = Log(clock, ClientWith(requests));

        // 450 in one bucket (two transactions per shard), 3 older and 3 newer in the cutoff's bucket.
        await Task.WhenAll(Enumerable.Range(0, 450).Select(i => log.AppendAsync(Change(i), Ct)));
        clock.Advance(TimeSpan.FromSeconds(12));
        await AppendEachAsync(log, clock, 450, 3, TimeSpan.FromMilliseconds(1));
        var cutoff = clock.GetUtcNow();
        var kept = await AppendEachAsync(log, clock, 453, 3, TimeSpan.FromMilliseconds(1));
        var writes = requests.Count("POST");

        Assert.Equal(453, await log.PruneAsync(cutoff, Ct));

        Assert.InRange(requests.Count("POST") - writes, 8, 13);
        Assert.Equal(kept, (await log.ReadAsync(new ChangeLogPosition(0), 100, Ct)).Changes);
        Assert.Equal(0, await log.PruneAsync(cutoff, Ct));
    }

    [Fact]
    public async Task Two_instances_pruning_at_once_delete_each_entry_once_between_them()
    {
        var clock = new FakeTimeProvider(T0);
        var log = Log(clock);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => log.AppendAsync(Change(i), Ct)));
        clock.Advance(TimeSpan.FromMinutes(1));

        var pruned = await Task.WhenAll(log.PruneAsync(clock.GetUtcNow(), Ct), Log(clock).PruneAsync(clock.GetUtcNow(), Ct));

        Assert.Equal(300, pruned.Sum());
        Assert.Empty(await _table.QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_missing_table_is_an_error_not_an_empty_log()
    {
        var log = Log(TimeProvider.System);
        await _table.DeleteAsync(Ct);

        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => log.AppendAsync(Change(0), Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => log.ReadAsync(default, 10, Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => log.PruneAsync(DateTimeOffset.UtcNow, Ct))).Status);
        await _table.CreateAsync(Ct);
    }

    private static ProjectedChange Change(int i) => ChangeLogContract.Changes(i, 1)[0];

    private static async Task<ProjectedChange[]> AppendEachAsync(TableChangeLog log, FakeTimeProvider clock, int first, int count, TimeSpan apart)
    {
        var changes = Enumerable.Range(first, count).Select(Change).ToArray();
        foreach (var change in changes)
        {
            await log.AppendAsync(change, Ct);
            clock.Advance(apart);
        }

        return changes;
    }

    private TableChangeLog Log(TimeProvider clock, TableClient? table = null, ILogger<TableChangeLog>? logger = null) =>
        new(table ?? _table, clock, Options.Create(new ChangeLogOptions()), logger ?? NullLogger<TableChangeLog>.Instance);

    /// <summary>A client of its own on the test's table, with <paramref name="hook"/> seeing each try of each request.</summary>
    private TableClient ClientWith(RequestHook hook)
    {
        var options = new TableClientOptions();
        options.AddPolicy(hook, HttpPipelinePosition.PerRetry);
        return new TableClient(azurite.ConnectionString, _table.Name, options);
    }

    /// <summary>Runs an action on every request sent, and counts them by method.</summary>
    private sealed class RequestHook(Action<HttpMessage> onSending) : HttpPipelineSynchronousPolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _methods = new();

        public int Count(string method) => _methods.Count(sent => sent == method);

        public override void OnSendingRequest(HttpMessage message)
        {
            _methods.Enqueue(message.Request.Method.Method);
            onSending(message);
        }
    }
}
