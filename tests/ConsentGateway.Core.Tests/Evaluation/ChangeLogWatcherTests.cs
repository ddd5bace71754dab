using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Core.Tests.Evaluation;

/// <summary>An instance that follows the change log (Azure): what its cache drops, trusts and forgets, on a fake clock.</summary>
public sealed class ChangeLogWatcherTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryProjectionStore _projections = new();
    private readonly InMemoryChangeLog _log;
    private readonly TestMeterFactory _meters = new();
    private readonly ReadLanes _lanes = new(Options.Create(new EvaluationOptions()));
    private readonly SubjectCache _cache;
    private readonly ChangeLogWatcher _watcher;

    public ChangeLogWatcherTests()
    {
        _log = new InMemoryChangeLog(_time);
        _cache = new SubjectCache(
            _projections,
            new InMemoryAccountStore(),
            new InMemoryDeviceStore(),
            _time,
            Options.Create(new EvaluationOptions()),
            Options.Create(new PropagationOptions { StalenessBound = Bound }),
            Options.Create(new AccountsOptions()),
            new EvaluationMetrics(_meters),
            NullLogger<SubjectCache>.Instance);
        _watcher = new ChangeLogWatcher(_log, _cache, _time, Options.Create(new ChangeLogOptions()), NullLogger<ChangeLogWatcher>.Instance);
    }

    public void Dispose()
    {
        _lanes.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task A_change_another_instance_projected_reaches_decisions_at_the_next_poll()
    {
        await _watcher.PollOnceAsync(default);
        await ProjectAsync("u1", setting: true, version: 1);
        Assert.Equal(true, (await GetAsync("u1")).Value.Facts.Setting);

        await ProjectAsync("u1", setting: false, version: 2);
        var beforePoll = await GetAsync("u1");
        await _watcher.PollOnceAsync(default);
        var afterPoll = await GetAsync("u1");

        Assert.Equal(true, beforePoll.Value.Facts.Setting);
        Assert.Equal(false, afterPoll.Value.Facts.Setting);
    }

    [Fact]
    public async Task A_poll_reads_every_page_in_order_so_the_newest_version_wins()
    {
        await _watcher.PollOnceAsync(default);
        for (var i = 0; i < ChangeLogWatcher.PageSize + 10; i++)
        {
            await _projections.TryPutAccountAsync(Row($"u{i}", true, 1), null, default);
            await GetAsync($"u{i}");
            await _log.AppendAsync(new ProjectedChange(SubjectKind.Account, $"u{i}", new SubjectVersion(1, 2)), default);
        }

        await _watcher.PollOnceAsync(default);

        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task While_the_log_cannot_be_read_entries_stop_being_trusted_one_budget_after_the_last_complete_read()
    {
        await _watcher.PollOnceAsync(default);
        await ProjectAsync("u1", setting: true, version: 1);
        await GetAsync("u1");

        _log.Unavailable = true;
        _time.Advance(_cache.Budget / 2);
        await _watcher.PollOnceAsync(default);
        var withinBudget = await GetAsync("u1");
        var lagWhileDown = _watcher.Lag;

        // Another instance revokes; this one cannot see the log, so it must not go on answering "allow".
        await _projections.TryPutAccountAsync(Row("u1", false, 2), (await _projections.GetAccountAsync("u1", default))!.ConcurrencyToken, default);
        _time.Advance(_cache.Budget / 2);
        var beyondBudget = await GetAsync("u1");

        _log.Unavailable = false;
        await _watcher.PollOnceAsync(default);
        var recovered = await GetAsync("u1");

        Assert.Equal(true, withinBudget.Value.Facts.Setting);
        Assert.Equal(_cache.Budget / 2, lagWhileDown);
        Assert.Equal(false, beyondBudget.Value.Facts.Setting);
        Assert.Equal(_cache.Budget, _cache.RemainingTrust(recovered.FreshAsOf));
        Assert.Equal(TimeSpan.Zero, _watcher.Lag);
    }

    [Fact]
    public async Task After_an_outage_longer_than_half_the_retention_the_cache_starts_again_from_the_head()
    {
        await _watcher.PollOnceAsync(default);
        await ProjectAsync("u1", setting: true, version: 1);
        await GetAsync("u1");

        _log.Unavailable = true;
        _time.Advance(new ChangeLogOptions().Retention / 2 + TimeSpan.FromSeconds(1));
        await _watcher.PollOnceAsync(default);
        await _log.PruneAsync(_time.GetUtcNow(), default);
        _log.Unavailable = false;
        await _watcher.PollOnceAsync(default);

        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task A_watcher_that_starts_takes_the_head_so_older_changes_cost_no_reads()
    {
        await _log.AppendAsync(new ProjectedChange(SubjectKind.Account, "old", new SubjectVersion(9, 9)), default);
        await ProjectAsync("u1", setting: true, version: 1);
        await _watcher.PollOnceAsync(default);
        await GetAsync("u1");

        await _watcher.PollOnceAsync(default);

        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public async Task The_watch_trusts_only_what_the_log_had_made_visible_when_the_read_began()
    {
        var lagging = new LaggingLog(_log, TimeSpan.FromSeconds(1));
        var watcher = new ChangeLogWatcher(lagging, _cache, _time, Options.Create(new ChangeLogOptions()), NullLogger<ChangeLogWatcher>.Instance);
        await watcher.PollOnceAsync(default);
        await ProjectAsync("u1", setting: true, version: 1);
        var read = await GetAsync("u1");

        _time.Advance(TimeSpan.FromSeconds(5));
        await watcher.PollOnceAsync(default);
        var watched = await GetAsync("u1");

        Assert.Equal(_cache.Budget - TimeSpan.FromSeconds(1), _cache.RemainingTrust(watched.FreshAsOf));
        Assert.True(watched.FreshAsOf > read.FreshAsOf);
    }

    private static AccountProjection Row(string userId, bool setting, long version) =>
        new(userId, true, CountryCode.Parse("US"), new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), setting, 1, version);

    // What another instance's projector does: write the row, then append the change.
    private async Task ProjectAsync(string userId, bool setting, long version)
    {
        var current = await _projections.GetAccountAsync(userId, default);
        Assert.NotNull(await _projections.TryPutAccountAsync(Row(userId, setting, version), current?.ConcurrencyToken, default));
        await _log.AppendAsync(new ProjectedChange(SubjectKind.Account, userId, new SubjectVersion(1, version)), default);
    }

    private ValueTask<Fresh<AccountLookup>> GetAsync(string userId) => _cache.GetAccountAsync(userId, _lanes.InProcess, null, default);

    /// <summary>A log whose appends may stay invisible for a while after they complete (Table Storage's retried writes).</summary>
    private sealed class LaggingLog(IChangeLog inner, TimeSpan lag) : IChangeLog
    {
        public TimeSpan VisibilityLag => lag;

        public Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken) => inner.AppendAsync(change, cancellationToken);

        public Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken) => inner.GetHeadAsync(cancellationToken);

        public Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken) => inner.ReadAsync(position, maxChanges, cancellationToken);

        public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inner.PruneAsync(olderThan, cancellationToken);
    }
}
