using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Core.Tests.Evaluation;

/// <summary>The per-subject cache in front of the decision projection, on a fake clock and a controllable store.</summary>
public sealed class SubjectCacheTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
    private readonly ControllableStore _store = new();
    private readonly TestMeterFactory _meters = new();
    private readonly SubjectCache _cache;

    public SubjectCacheTests()
    {
        _cache = new SubjectCache(
            _store,
            _time,
            Options.Create(new EvaluationOptions()),
            Options.Create(new PropagationOptions { StalenessBound = Bound }),
            Options.Create(new AccountsOptions { MaxAccountsPerDevice = 2 }),
            new EvaluationMetrics(_meters),
            NullLogger<SubjectCache>.Instance);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void The_ttl_defaults_to_a_quarter_of_the_staleness_bound()
    {
        Assert.Equal(Bound / 4, _cache.Ttl);
    }

    [Fact]
    public async Task A_subject_read_once_is_answered_from_memory_until_its_refresh_age()
    {
        _store.Put(Account("u1", setting: true));

        var first = await _cache.GetAccountAsync("u1", default);
        _store.Put(Account("u1", setting: false));
        _time.Advance(_cache.RefreshAfter("u1") - TimeSpan.FromMilliseconds(1));
        var second = await _cache.GetAccountAsync("u1", default);

        Assert.Equal((LookupStatus.Found, true), (first.Value.Status, first.Value.Facts.Setting));
        Assert.Equal(true, second.Value.Facts.Setting);
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_subject_asked_about_after_its_refresh_age_is_read_again_in_the_background()
    {
        _store.Put(Account("u1", setting: true));
        await _cache.GetAccountAsync("u1", default);
        _store.Put(Account("u1", setting: false));

        _time.Advance(_cache.RefreshAfter("u1"));
        var stillCached = await _cache.GetAccountAsync("u1", default);
        await _store.WaitForReadsAsync("u1", 2);
        var refreshed = await WaitForAsync(() => _cache.GetAccountAsync("u1", default), fresh => fresh.Value.Facts.Setting == false);

        Assert.Equal(true, stillCached.Value.Facts.Setting);
        Assert.Equal(false, refreshed.Value.Facts.Setting);
    }

    [Fact]
    public void Refresh_ages_are_spread_between_half_and_three_quarters_of_the_ttl()
    {
        var ages = Enumerable.Range(0, 1000).Select(i => _cache.RefreshAfter($"subject-{i}")).ToList();

        Assert.All(ages, age => Assert.InRange(age, _cache.Ttl / 2, _cache.Ttl * 3 / 4));
        Assert.True(ages.Distinct().Count() > 500, "Subjects read together are read again at different times.");
        Assert.Equal(_cache.RefreshAfter("same"), _cache.RefreshAfter("same"));
    }

    [Fact]
    public async Task An_entry_is_never_used_once_its_ttl_has_passed()
    {
        _store.Put(Account("u1", setting: true));
        await _cache.GetAccountAsync("u1", default);
        _store.Put(Account("u1", setting: false));

        _time.Advance(_cache.Ttl);
        var read = await _cache.GetAccountAsync("u1", default);

        Assert.Equal(false, read.Value.Facts.Setting);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_store_failure_with_no_fresh_entry_is_unavailable_and_not_remembered()
    {
        _store.Put(Account("u1", setting: true));
        _store.FailWith = new InvalidOperationException("store down");

        var failed = await _cache.GetAccountAsync("u1", default);
        _store.FailWith = null;
        var recovered = await _cache.GetAccountAsync("u1", default);

        Assert.Equal(LookupStatus.Unavailable, failed.Value.Status);
        Assert.Equal(LookupStatus.Found, recovered.Value.Status);
    }

    [Fact]
    public async Task A_read_slower_than_the_store_timeout_is_unavailable()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var pending = _cache.GetAccountAsync("u1", default).AsTask();
        await _store.WaitForReadsAsync("u1", 1);
        _time.Advance(new EvaluationOptions().StoreTimeout);
        var read = await pending;

        Assert.Equal(LookupStatus.Unavailable, read.Value.Status);
    }

    [Fact]
    public async Task A_read_the_decision_stopped_waiting_for_still_fills_the_cache_when_it_completes()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var pending = _cache.GetAccountAsync("u1", default).AsTask();
        await _store.WaitForReadsAsync("u1", 1);
        _time.Advance(new EvaluationOptions().StoreTimeout);
        var gaveUp = await pending;
        _store.Hold.SetResult();
        var later = await WaitForAsync(() => _cache.GetAccountAsync("u1", default), fresh => fresh.Value.Status == LookupStatus.Found);

        Assert.Equal(LookupStatus.Unavailable, gaveUp.Value.Status);
        Assert.Equal(true, later.Value.Facts.Setting);
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_read_is_abandoned_after_the_read_timeout()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var first = _cache.GetAccountAsync("u1", default).AsTask();
        await _store.WaitForReadsAsync("u1", 1);
        _time.Advance(_cache.ReadTimeout);
        await first;
        _store.Hold = null;

        // The cancelled read ends on another thread; until it has, a decision still joins it.
        var second = await WaitForAsync(() => _cache.GetAccountAsync("u1", default), fresh => fresh.Value.Status == LookupStatus.Found);

        Assert.Equal(LookupStatus.Found, second.Value.Status);
        Assert.Equal(2, _store.Reads("u1"));
    }

    [Fact]
    public async Task A_failing_store_does_not_end_a_fresh_entry_early_but_the_ttl_does()
    {
        _store.Put(Account("u1", setting: true));
        await _cache.GetAccountAsync("u1", default);
        _store.FailWith = new InvalidOperationException("store down");

        _time.Advance(_cache.Ttl * 7 / 8);
        var withinTtl = await _cache.GetAccountAsync("u1", default);
        await _store.WaitForReadsAsync("u1", 2);
        _time.Advance(_cache.Ttl / 8);
        var afterTtl = await _cache.GetAccountAsync("u1", default);

        Assert.Equal(LookupStatus.Found, withinTtl.Value.Status);
        Assert.Equal(LookupStatus.Unavailable, afterTtl.Value.Status);
    }

    [Fact]
    public async Task Concurrent_misses_of_one_subject_share_one_read()
    {
        _store.Put(Account("u1", setting: true));
        _store.Hold = new TaskCompletionSource();

        var waiting = Enumerable.Range(0, 20).Select(_ => _cache.GetAccountAsync("u1", default).AsTask()).ToList();
        _store.Hold.SetResult();
        var reads = await Task.WhenAll(waiting);

        Assert.All(reads, read => Assert.Equal(LookupStatus.Found, read.Value.Status));
        Assert.Equal(1, _store.Reads("u1"));
    }

    [Fact]
    public async Task Entries_are_per_subject_and_per_kind()
    {
        _store.Put(Account("same-id", setting: true));
        _store.Put(new DeviceProjection("same-id", ["owner"], 1));

        var account = await _cache.GetAccountAsync("same-id", default);
        var device = await _cache.GetDeviceAsync("same-id", default);
        var other = await _cache.GetAccountAsync("other", default);

        Assert.Equal(true, account.Value.Facts.Setting);
        Assert.Equal("owner", Assert.Single(device.Value.LinkedUserIds));
        Assert.Equal(LookupStatus.NotFound, other.Value.Status);
    }

    [Fact]
    public async Task A_device_without_a_row_is_unknown_and_one_with_no_accounts_is_found_empty()
    {
        _store.Put(new DeviceProjection("before-signup", [], 0));

        var unknown = await _cache.GetDeviceAsync("never-registered", default);
        var beforeSignup = await _cache.GetDeviceAsync("before-signup", default);

        Assert.Equal(LookupStatus.NotFound, unknown.Value.Status);
        Assert.Equal((LookupStatus.Found, 0), (beforeSignup.Value.Status, beforeSignup.Value.LinkedUserIds.Length));
    }

    [Fact]
    public async Task A_device_row_over_the_link_limit_or_not_listing_its_links_reads_as_too_many_linked_accounts()
    {
        _store.Put(new DeviceProjection("at-limit", ["u1", "u2"], 2));
        _store.Put(new DeviceProjection("over-limit", ["u1", "u2", "u3"], 3));
        _store.Put(new DeviceProjection("count-only", [], 1));

        Assert.Equal(LookupStatus.Found, (await _cache.GetDeviceAsync("at-limit", default)).Value.Status);
        Assert.Equal(DeviceLookup.TooManyLinkedAccounts, (await _cache.GetDeviceAsync("over-limit", default)).Value);
        Assert.Equal(DeviceLookup.TooManyLinkedAccounts, (await _cache.GetDeviceAsync("count-only", default)).Value);
    }

    [Fact]
    public async Task Expired_entries_are_swept()
    {
        _store.Put(Account("u1", setting: true));
        await _cache.GetAccountAsync("u1", default);
        await _cache.GetDeviceAsync("d1", default);
        Assert.Equal(2, _cache.Count);

        _time.Advance(_cache.Ttl * 2);

        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task Remaining_trust_counts_down_from_when_the_read_began()
    {
        _store.Put(Account("u1", setting: true));
        var read = await _cache.GetAccountAsync("u1", default);

        _time.Advance(TimeSpan.FromMilliseconds(300));

        Assert.Equal(_cache.Ttl - TimeSpan.FromMilliseconds(300), _cache.RemainingTrust(read.ReadAt));
        _time.Advance(_cache.Ttl);
        Assert.Equal(TimeSpan.Zero, _cache.RemainingTrust(read.ReadAt));
    }

    private static AccountProjection Account(string userId, bool setting) =>
        new(userId, true, CountryCode.Parse("DE"), new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero), setting, 1, 1);

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
