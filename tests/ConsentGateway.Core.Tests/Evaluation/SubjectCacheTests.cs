using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using ConsentGateway.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Core.Tests.Evaluation;

/// <summary>The per-subject cache in front of the decision projection, on a fake clock and a controllable store.</summary>
public sealed partial class SubjectCacheTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
    private readonly ControllableStore _store = new();
    private readonly InMemoryAccountStore _accountSource = new();
    private readonly TestMeterFactory _meters = new();
    private readonly ReadLanes _lanes;
    private readonly ReadLane _lane;
    private SubjectCache _cache;

    public SubjectCacheTests()
    {
        _cache = Cache(new EvaluationOptions());
        _lanes = new ReadLanes(Options.Create(new EvaluationOptions { MaxReadsPerLane = 2 }));
        _lane = _lanes.For("proxy-a");
    }

    public void Dispose()
    {
        _lanes.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void The_budget_defaults_to_a_quarter_of_the_staleness_bound()
    {
        Assert.Equal(Bound / 4, _cache.Budget);
    }

    [Fact]
    public async Task An_entry_does_not_expire_by_age_while_the_host_keeps_saying_it_knows_every_change()
    {
        _store.Put(Account("u1", setting: true));

        var first = await GetAsync("u1");
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(_cache.Budget / 2);
            _cache.ChangesWatchedThrough(_time.GetTimestamp());
        }

        var later = await GetAsync("u1");

        Assert.Equal((LookupStatus.Found, true), (first.Value.Status, first.Value.Facts.Setting));
        Assert.Equal(true, later.Value.Facts.Setting);
        Assert.Equal(1, _store.Reads("u1"));
        Assert.Equal(_cache.Budget, _cache.RemainingTrust(later.FreshAsOf));
    }

    [Fact]
    public async Task Without_word_from_the_host_an_entry_is_trusted_for_the_budget_from_its_read()
    {
        _store.Put(Account("u1", setting: true));
        await GetAsync("u1");

        _time.Advance(_cache.Budget - TimeSpan.FromMilliseconds(1));
        var within = await GetAsync("u1");
        var (trustLeft, readsWithin) = (_cache.RemainingTrust(within.FreshAsOf), _store.Reads("u1"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await GetAsync("u1");

        Assert.Equal(TimeSpan.FromMilliseconds(1), trustLeft);
        Assert.Equal(1, readsWithin);
        Assert.Equal(LookupStatus.Found, after.Value.Status);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_projected_change_drops_the_entry_so_the_next_decision_reads_the_new_row()
    {
        _store.Put(Account("u1", setting: true));
        await GetAsync("u1");

        _store.Put(Account("u1", setting: false, settingVersion: 2));
        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "u1", new SubjectVersion(1, 2)));
        var after = await GetAsync("u1");

        Assert.Equal(false, after.Value.Facts.Setting);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_change_the_entry_already_has_costs_no_read()
    {
        _store.Put(Account("u1", setting: true, settingVersion: 3));
        await GetAsync("u1");

        // The change log repeats changes (at least once) and reports older ones after newer reads.
        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "u1", new SubjectVersion(1, 3)));
        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "u1", new SubjectVersion(1, 2)));
        _cache.OnProjected(new ProjectedChange(SubjectKind.Device, "u1", SubjectVersion.OfDevice(5)));
        await GetAsync("u1");

        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_read_running_when_the_row_changes_does_not_put_its_older_answer_back()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();
        var before = GetAsync("u1").AsTask();
        await _store.WaitForReadsAsync("u1", 1);

        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "u1", new SubjectVersion(1, 2)));
        _store.Hold.SetResult();
        _store.Hold = null;
        await before;
        _store.Put(Account("u1", setting: false, settingVersion: 2));
        var after = await GetAsync("u1");

        Assert.Equal(false, after.Value.Facts.Setting);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_decision_asked_after_the_change_does_not_join_a_read_that_began_before_it()
    {
        _store.Put(Account("u1", setting: true));
        var hold = _store.Hold = new TaskCompletionSource();
        var before = GetAsync("u1").AsTask();
        await _store.WaitForReadsAsync("u1", 1);

        _store.Put(Account("u1", setting: false, settingVersion: 2));
        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "u1", new SubjectVersion(1, 2)));
        _store.Hold = null;
        var after = await GetAsync("u1");
        hold.SetResult();
        await before;

        Assert.Equal(false, after.Value.Facts.Setting);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_store_failure_is_unavailable_and_not_remembered()
    {
        _store.Put(Account("u1", setting: true));
        _store.FailWith = new InvalidOperationException("store down");

        var failed = await GetAsync("u1");
        _store.FailWith = null;
        var recovered = await GetAsync("u1");

        Assert.Equal(LookupStatus.Unavailable, failed.Value.Status);
        Assert.Equal(LookupStatus.Found, recovered.Value.Status);
    }

    [Fact]
    public async Task A_read_the_decision_stopped_waiting_for_still_fills_the_cache_when_it_completes()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var pending = GetAsync("u1").AsTask();
        await _store.WaitForReadsAsync("u1", 1);
        _time.Advance(new EvaluationOptions().StoreTimeout);
        var gaveUp = await pending;
        _store.Hold.SetResult();
        var later = await WaitForAsync(() => GetAsync("u1"), fresh => fresh.Value.Status == LookupStatus.Found);

        Assert.Equal(LookupStatus.Unavailable, gaveUp.Value.Status);
        Assert.Equal(true, later.Value.Facts.Setting);
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_read_is_abandoned_after_the_read_timeout()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var first = GetAsync("u1").AsTask();
        await _store.WaitForReadsAsync("u1", 1);
        _time.Advance(_cache.ReadTimeout);
        await first;
        _store.Hold = null;

        // The cancelled read ends on another thread; until it has, a decision still joins it.
        var second = await WaitForAsync(() => GetAsync("u1"), fresh => fresh.Value.Status == LookupStatus.Found);

        Assert.Equal(LookupStatus.Found, second.Value.Status);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task Concurrent_misses_of_one_subject_share_one_read()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var waiting = Enumerable.Range(0, 20).Select(_ => GetAsync("u1").AsTask()).ToList();
        _store.Hold.SetResult();
        var reads = await Task.WhenAll(waiting);

        Assert.All(reads, read => Assert.Equal(LookupStatus.Found, read.Value.Status));
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_batchs_misses_are_read_as_one_group_that_its_lookups_join()
    {
        for (var i = 0; i < 50; i++)
        {
            _store.Put(Account($"u{i}", setting: true));
        }

        await GetAsync("u0");
        _store.Hold = new TaskCompletionSource();
        _cache.PrefetchAccounts([.. Enumerable.Range(0, 50).Select(i => $"u{i}"), "nobody", "u1"], _lane);
        var lookups = Enumerable.Range(0, 50).Select(i => GetAsync($"u{i}").AsTask()).Append(GetAsync("nobody").AsTask()).ToList();
        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "u7", new SubjectVersion(1, 2)));
        _store.Hold.SetResult();
        _store.Hold = null;
        var answers = await Task.WhenAll(lookups);
        await GetAsync("u7");

        var group = Assert.Single(_store.GroupReads);
        Assert.Equal(50, group.Count);
        Assert.DoesNotContain("u0", group);
        Assert.All(answers.Take(50), answer => Assert.Equal(LookupStatus.Found, answer.Value.Status));
        Assert.Equal(LookupStatus.NotFound, answers[^1].Value.Status);
        Assert.Equal(1, _store.Reads("u0"));
        Assert.Equal(0, _store.Reads("u3"));

        // u7 changed while the group was read: its answer from the group was not kept.
        Assert.Equal(1, _store.Reads("u7"));
    }

    [Fact]
    public async Task A_full_lane_fails_closed_for_its_caller_only()
    {
        _store.Put(Account("u1", setting: true));
        _store.Put(Account("u2", setting: true));
        _store.Put(Account("u3", setting: true));
        _store.Put(Account("other", setting: true));
        var hold = _store.Hold = new TaskCompletionSource();
        var taken = new[] { GetAsync("u1").AsTask(), GetAsync("u2").AsTask() };
        await _store.WaitForReadsAsync("u2", 1);

        var queued = GetAsync("u3").AsTask();
        var otherLane = _cache.GetAccountAsync("other", _lanes.For("proxy-b"), null, default).AsTask();
        await _store.WaitForReadsAsync("other", 1);

        // The lane's wait is on the real clock: it gives up after the store timeout.
        var refused = await queued;
        hold.SetResult();
        await Task.WhenAll(taken);

        Assert.Equal(LookupStatus.Unavailable, refused.Value.Status);
        Assert.Equal(0, _store.Reads("u3"));
        Assert.Equal(LookupStatus.Found, (await otherLane).Value.Status);
    }

    [Fact]
    public async Task Entries_are_per_subject_and_per_kind()
    {
        _store.Put(Account("same-id", setting: true));
        _store.Put(new DeviceProjection("same-id", ["owner"], 1));

        var account = await GetAsync("same-id");
        var device = await _cache.GetDeviceAsync("same-id", _lane, null, default);
        var other = await GetAsync("other");

        Assert.Equal(true, account.Value.Facts.Setting);
        Assert.Equal("owner", Assert.Single(device.Value.LinkedUserIds));
        Assert.Equal(LookupStatus.NotFound, other.Value.Status);
    }

    [Fact]
    public async Task A_device_without_a_row_is_unknown_and_one_with_no_accounts_is_found_empty()
    {
        _store.Put(new DeviceProjection("before-signup", [], 0));

        var unknown = await _cache.GetDeviceAsync("never-registered", _lane, null, default);
        var beforeSignup = await _cache.GetDeviceAsync("before-signup", _lane, null, default);

        Assert.Equal(LookupStatus.NotFound, unknown.Value.Status);
        Assert.Equal((LookupStatus.Found, 0), (beforeSignup.Value.Status, beforeSignup.Value.LinkedUserIds.Length));
    }

    [Fact]
    public async Task A_device_row_over_the_link_limit_or_not_listing_its_links_reads_as_too_many_linked_accounts()
    {
        _store.Put(new DeviceProjection("at-limit", ["u1", "u2"], 2));
        _store.Put(new DeviceProjection("over-limit", ["u1", "u2", "u3"], 3));
        _store.Put(new DeviceProjection("count-only", [], 1));

        Assert.Equal(LookupStatus.Found, (await _cache.GetDeviceAsync("at-limit", _lane, null, default)).Value.Status);
        Assert.Equal(DeviceLookup.TooManyLinkedAccounts, (await _cache.GetDeviceAsync("over-limit", _lane, null, default)).Value);
        Assert.Equal(DeviceLookup.TooManyLinkedAccounts, (await _cache.GetDeviceAsync("count-only", _lane, null, default)).Value);
    }

    [Fact]
    public async Task A_demanded_version_newer_than_the_entry_is_read_from_the_source_of_truth()
    {
        _store.Put(Account("u1", setting: true));
        await GetAsync("u1");
        await WriteSourceAsync("u1", setting: false, settingVersion: 2);

        // The projection has not caught up yet; the token's write is in the source.
        var demanded = await _cache.GetAccountAsync("u1", _lane, new SubjectVersion(0, 2), default);
        var next = await GetAsync("u1");

        Assert.Equal(false, demanded.Value.Facts.Setting);
        Assert.Equal(false, next.Value.Facts.Setting);
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_demand_the_entry_meets_is_answered_from_memory_and_one_nothing_meets_is_unavailable()
    {
        _store.Put(Account("u1", setting: true, settingVersion: 2));
        await GetAsync("u1");
        await WriteSourceAsync("u1", setting: true, settingVersion: 2);

        var met = await _cache.GetAccountAsync("u1", _lane, new SubjectVersion(1, 2), default);
        var unmet = await _cache.GetAccountAsync("u1", _lane, new SubjectVersion(1, 9), default);

        Assert.Equal(LookupStatus.Found, met.Value.Status);
        Assert.Equal(LookupStatus.Unavailable, unmet.Value.Status);
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task An_entry_is_trusted_for_the_budget_after_the_last_time_the_host_knew_every_change()
    {
        _store.Put(Account("u1", setting: true));
        await GetAsync("u1");

        _time.Advance(_cache.Budget / 2);
        _cache.ChangesWatchedThrough(_time.GetTimestamp());
        _time.Advance(_cache.Budget * 3 / 4);
        var watched = await GetAsync("u1");
        var left = _cache.RemainingTrust(watched.FreshAsOf);
        _time.Advance(_cache.Budget / 4);
        _store.FailWith = new InvalidOperationException("store down");
        var stalled = await GetAsync("u1");

        Assert.Equal(LookupStatus.Found, watched.Value.Status);
        Assert.Equal(_cache.Budget / 4, left);
        Assert.Equal(LookupStatus.Unavailable, stalled.Value.Status);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task Clearing_forgets_entries_and_the_answers_of_reads_still_running()
    {
        _store.Put(Account("u1", setting: true));
        _store.Put(Account("u2", setting: true));
        await GetAsync("u1");
        var hold = _store.Hold = new TaskCompletionSource();
        var running = GetAsync("u2").AsTask();
        await _store.WaitForReadsAsync("u2", 1);

        _cache.Clear();
        hold.SetResult();
        _store.Hold = null;
        await running;
        await GetAsync("u1");
        await GetAsync("u2");

        Assert.Equal((2, 2), (_store.Reads("u1"), _store.Reads("u2")));
    }

    [Fact]
    public async Task Beyond_its_size_the_cache_keeps_the_subjects_in_use()
    {
        _cache = Cache(new EvaluationOptions { MaxCachedSubjects = 1000 });
        for (var i = 0; i < 1000; i++)
        {
            _store.Put(Account($"u{i}", setting: true));
            await GetAsync($"u{i}");
        }

        // The first hundred are asked about again before the cache overflows: until then nothing sets
        // them apart, and the first trim (in the background) could otherwise race their first hits.
        for (var hot = 0; hot < 100; hot++)
        {
            await GetAsync($"u{hot}");
        }

        // 500 subjects asked about once push the cache over its size while the first hundred keep being asked about.
        for (var i = 1000; i < 1500; i++)
        {
            _store.Put(Account($"u{i}", setting: true));
            await GetAsync($"u{i}");
            for (var hot = 0; hot < 100; hot++)
            {
                await GetAsync($"u{hot}");
            }
        }

        await WaitForAsync(() => ValueTask.FromResult(_cache.Count), count => count <= 1000);
        for (var i = 0; i < 100; i++)
        {
            await GetAsync($"u{i}");
        }

        Assert.InRange(_cache.Count, 1, 1000);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(1, _store.Reads($"u{i}")));
    }

    [Fact]
    public async Task A_thousand_reads_failing_alike_log_a_few_lines_with_their_count_and_no_stack_trace()
    {
        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        _cache = Cache(new EvaluationOptions(), factory.CreateLogger<SubjectCache>());
        _store.FailWith = new StoreUnavailableException("store down (test)", new IOException("connection refused"));

        for (var i = 0; i < 1_000; i++)
        {
            await GetAsync($"u{i}");
            _time.Advance(TimeSpan.FromMilliseconds(15));
        }

        var lines = logs.Events.ToList();
        var counts = lines.Select(line => long.Parse(CountOf().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(lines.Count, 1, 3);
        Assert.All(lines, line => Assert.DoesNotContain("   at ", line, StringComparison.Ordinal));
        Assert.All(lines, line => Assert.Contains("StoreUnavailableException", line, StringComparison.Ordinal));

        // The first at once, then one per 10 s with what happened since: every failure is counted, none is lost but the ones after the last line.
        Assert.Equal(1, counts[0]);
        Assert.InRange(counts.Sum(), 1_000 - (10_000 / 15), 1_000);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Count=(\d+)")]
    private static partial System.Text.RegularExpressions.Regex CountOf();

    private SubjectCache Cache(EvaluationOptions options, ILogger<SubjectCache>? logger = null) => new(
        _store,
        _accountSource,
        new InMemoryDeviceStore(),
        _time,
        Options.Create(options),
        Options.Create(new PropagationOptions { StalenessBound = Bound }),
        Options.Create(new AccountsOptions { MaxAccountsPerDevice = 2 }),
        new EvaluationMetrics(_meters),
        logger ?? NullLogger<SubjectCache>.Instance);

    private ValueTask<Fresh<AccountLookup>> GetAsync(string userId) => _cache.GetAccountAsync(userId, _lane, null, default);

    private async Task WriteSourceAsync(string userId, bool setting, long settingVersion)
    {
        var current = await _accountSource.FindAsync(userId, default);
        var record = new AccountRecord(userId, CountryCode.Parse("DE"), new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero), 1, setting, settingVersion, _time.GetUtcNow(), false, current?.ConcurrencyToken);
        Assert.NotNull(await _accountSource.TryWriteAccountAsync(record, new SettingChange(settingVersion, setting, _time.GetUtcNow(), ChangeChannel.User, "2020-04-06"), default));
    }

    private static AccountProjection Account(string userId, bool setting, long settingVersion = 1) =>
        new(userId, true, CountryCode.Parse("DE"), new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero), setting, 1, settingVersion);

    private static async Task<T> WaitForAsync<T>(Func<ValueTask<T>> read, Func<T, bool> done)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(10);
        }

        return await read();
    }

    /// <summary>A projection store whose reads can be held back or made to fail, counting reads per key.</summary>
    private sealed class ControllableStore : IProjectionStore
    {
        private readonly InMemoryProjectionStore _rows = new();
        private readonly ConcurrentDictionary<string, int> _reads = new();

        public Exception? FailWith { get; set; }

        public TaskCompletionSource? Hold { get; set; }

        public void Put(AccountProjection account) => _rows.TryPutAccountAsync(account, _rows.GetAccountAsync(account.UserId, default).Result?.ConcurrencyToken, default).Wait();

        public void Put(DeviceProjection device) => _rows.TryPutDeviceAsync(device, _rows.GetDeviceAsync(device.AdId, default).Result?.ConcurrencyToken, default).Wait();

        public int Reads(string id) => _reads.GetValueOrDefault(id);

        /// <summary>The ids of each grouped read, in order.</summary>
        public ConcurrentQueue<IReadOnlyList<string>> GroupReads { get; } = new();

        public async Task<IReadOnlyDictionary<string, Stored<AccountProjection>>> GetAccountsAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
        {
            GroupReads.Enqueue(userIds);
            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            var rows = new Dictionary<string, Stored<AccountProjection>>(StringComparer.Ordinal);
            foreach (var userId in userIds)
            {
                if (await _rows.GetAccountAsync(userId, cancellationToken) is { } row)
                {
                    rows[userId] = row;
                }
            }

            return rows;
        }

        public async Task WaitForReadsAsync(string id, int count)
        {
            for (var attempt = 0; attempt < 500 && Reads(id) < count; attempt++)
            {
                await Task.Delay(10);
            }

            Assert.True(Reads(id) >= count, $"Expected {count} reads of {id}, saw {Reads(id)}.");
        }

        public async Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken)
        {
            await BeforeReadAsync(userId, cancellationToken);
            return await _rows.GetAccountAsync(userId, cancellationToken);
        }

        public async Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken)
        {
            await BeforeReadAsync(adId, cancellationToken);
            return await _rows.GetDeviceAsync(adId, cancellationToken);
        }

        public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
            _rows.TryPutAccountAsync(projection, expectedToken, cancellationToken);

        public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
            _rows.TryPutDeviceAsync(projection, expectedToken, cancellationToken);

        private async Task BeforeReadAsync(string id, CancellationToken cancellationToken)
        {
            _reads.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (FailWith is { } failure)
            {
                throw failure;
            }

            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
