using System.Diagnostics.Metrics;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Core.Tests.Evaluation;

/// <summary>Decisions over the projection: freshness (ttlSeconds), fail-closed, batches, the decision log and counters.</summary>
public sealed class DecisionServiceTests : IDisposable
{
    private static readonly CompiledPolicy Policy = PolicyLoader.Load(null);
    private static readonly DateTimeOffset SignedUp = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryProjectionStore _store = new();
    private readonly InMemoryAccountStore _accountSource = new();
    private readonly TestMeterFactory _meters = new();
    private readonly RecordingLoggerFactory _logs = new();
    private readonly ReadLanes _lanes = new(Options.Create(new EvaluationOptions()));
    private readonly SubjectCache _cache;
    private readonly DecisionService _decisions;

    public DecisionServiceTests()
    {
        var evaluation = Options.Create(new EvaluationOptions { SubjectHashKey = "a-test-key-of-enough-length" });
        var metrics = new EvaluationMetrics(_meters);
        _cache = new SubjectCache(_store, _accountSource, new InMemoryDeviceStore(), _time, evaluation, Options.Create(new PropagationOptions { StalenessBound = TimeSpan.FromSeconds(20) }), Options.Create(new AccountsOptions { MaxAccountsPerDevice = 3 }), metrics, NullLogger<SubjectCache>.Instance);
        _decisions = new DecisionService(Policy, _cache, new DecisionLog(_logs, evaluation), metrics, _time);
    }

    public void Dispose()
    {
        _lanes.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task The_ttl_is_the_whole_decision_budget_while_the_host_knows_every_change()
    {
        await PutAccountAsync("u1", setting: true);
        await PutDeviceAsync("d1", "u1");

        var fresh = await _decisions.DecideAsync(Ask("google", userId: "u1"), Lane, default);
        _time.Advance(TimeSpan.FromSeconds(2));
        _cache.ChangesWatchedThrough(_time.GetTimestamp());
        var both = await _decisions.DecideAsync(Ask("google", userId: "u1", deviceAdId: "d1"), Lane, default);

        // The budget is 5 s (a quarter of 20 s); entries do not age while the host keeps up.
        Assert.Equal(5, fresh.TtlSeconds);
        Assert.Equal(5, both.TtlSeconds);
        Assert.Equal(DecisionOutcome.Allow, both.Decision.Outcome);
    }

    [Fact]
    public async Task Without_word_from_the_host_the_ttl_is_what_is_left_of_the_budget_for_the_least_fresh_entry()
    {
        var evaluation = Options.Create(new EvaluationOptions());
        var cache = new SubjectCache(_store, _accountSource, new InMemoryDeviceStore(), _time, evaluation, Options.Create(new PropagationOptions { StalenessBound = TimeSpan.FromSeconds(20) }), Options.Create(new AccountsOptions()), new EvaluationMetrics(_meters), NullLogger<SubjectCache>.Instance);
        var decisions = new DecisionService(Policy, cache, new DecisionLog(NullLoggerFactory.Instance, evaluation), new EvaluationMetrics(_meters), _time);
        await PutAccountAsync("u1", setting: true);
        await PutDeviceAsync("d1", "u1");

        await decisions.DecideAsync(Ask("google", userId: "u1"), Lane, default);
        _time.Advance(TimeSpan.FromSeconds(2));
        var both = await decisions.DecideAsync(Ask("google", userId: "u1", deviceAdId: "d1"), Lane, default);

        // The user entry was read 2 s ago and the host has not said since that it knows every change: 3 s are left.
        Assert.Equal(3, both.TtlSeconds);
    }

    [Fact]
    public async Task A_device_is_decided_from_each_linked_accounts_own_entry_most_restrictive_first()
    {
        await PutAccountAsync("on", setting: true);
        await PutAccountAsync("off", setting: false);
        await PutDeviceAsync("both", "off", "on");
        await PutDeviceAsync("one", "on");

        var both = await _decisions.DecideAsync(Ask("google", deviceAdId: "both"), Lane, default);
        var one = await _decisions.DecideAsync(Ask("google", deviceAdId: "one"), Lane, default);

        Assert.Equal((DecisionOutcome.Deny, ReasonCode.SettingDisabled), (both.Decision.Outcome, both.Decision.Reasons.First));
        Assert.Equal(DecisionOutcome.Allow, one.Decision.Outcome);
    }

    [Fact]
    public async Task Revoking_any_linked_account_denies_the_device_once_the_change_is_projected()
    {
        await PutAccountAsync("a", setting: true);
        await PutAccountAsync("b", setting: true);
        await PutDeviceAsync("d1", "a", "b");
        Assert.Equal(DecisionOutcome.Allow, (await _decisions.DecideAsync(Ask("google", deviceAdId: "d1"), Lane, default)).Decision.Outcome);

        var row = await _store.GetAccountAsync("b", default);
        await _store.TryPutAccountAsync(row!.Value with { Setting = false, SettingVersion = 2 }, row.ConcurrencyToken, default);
        _cache.OnProjected(new ProjectedChange(SubjectKind.Account, "b", new SubjectVersion(1, 2)));
        var after = await _decisions.DecideAsync(Ask("google", deviceAdId: "d1"), Lane, default);

        Assert.Equal((DecisionOutcome.Deny, ReasonCode.SettingDisabled, 2L), (after.Decision.Outcome, after.Decision.Reasons.First, after.Decision.ConsentVersion));
    }

    [Fact]
    public async Task A_device_over_the_link_limit_denies_with_too_many_linked_accounts_in_a_batch_too()
    {
        await PutAccountAsync("on", setting: true);
        await PutDeviceAsync("crowded", "on", "on2", "on3", "on4");
        await PutDeviceAsync("fine", "on");

        var single = await _decisions.DecideAsync(Ask("google", deviceAdId: "crowded"), Lane, default);
        var batch = await _decisions.DecideManyAsync([Ask("google", deviceAdId: "fine"), Ask("google", deviceAdId: "crowded")], Lane, default);

        Assert.Equal((DecisionOutcome.Deny, ReasonCode.TooManyLinkedAccounts), (single.Decision.Outcome, single.Decision.Reasons.First));
        Assert.Equal([DecisionOutcome.Allow, DecisionOutcome.Deny], batch.Select(r => r.Decision.Outcome));
        Assert.Equal(ReasonCode.TooManyLinkedAccounts, batch[1].Decision.Reasons.First);
    }

    [Fact]
    public async Task A_store_that_cannot_answer_denies_with_store_unavailable_and_a_ttl_of_zero()
    {
        var failing = new SubjectCache(new FailingStore(), _accountSource, new InMemoryDeviceStore(), _time, Options.Create(new EvaluationOptions()), Options.Create(new PropagationOptions()), Options.Create(new AccountsOptions()), new EvaluationMetrics(_meters), NullLogger<SubjectCache>.Instance);
        var decisions = new DecisionService(Policy, failing, new DecisionLog(NullLoggerFactory.Instance, Options.Create(new EvaluationOptions())), new EvaluationMetrics(_meters), _time);

        var record = await decisions.DecideAsync(Ask("google", userId: "u1", deviceAdId: "d1"), Lane, default);

        Assert.Equal(DecisionOutcome.Deny, record.Decision.Outcome);
        Assert.True(record.Decision.Reasons.Contains(ReasonCode.StoreUnavailable));
        Assert.Equal(0, record.TtlSeconds);
    }

    [Fact]
    public async Task A_batch_answers_in_order_with_distinct_decision_ids()
    {
        await PutAccountAsync("on", setting: true);
        await PutAccountAsync("off", setting: false);
        EvaluationQuestion[] questions = [Ask("google", userId: "on"), Ask("google", userId: "off"), Ask("nobody", userId: "on"), Ask("google", userId: "missing")];

        var records = await _decisions.DecideManyAsync(questions, Lane, default);

        Assert.Equal(
            [DecisionOutcome.Allow, DecisionOutcome.Deny, DecisionOutcome.Deny, DecisionOutcome.Deny],
            records.Select(r => r.Decision.Outcome));
        Assert.Equal(
            [ReasonCode.SettingEnabled, ReasonCode.SettingDisabled, ReasonCode.UnknownPartner, ReasonCode.UnknownAccount],
            records.Select(r => r.Decision.Reasons.First));
        Assert.Equal(records.Length, records.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task Each_decision_is_logged_once_with_hashed_subject_ids_and_never_the_raw_ones()
    {
        await PutAccountAsync("user-4711", setting: false);

        var record = await _decisions.DecideAsync(Ask("google", userId: "user-4711", deviceAdId: "device-0815"), Lane, default);

        var entry = Assert.Single(_logs.Entries);
        Assert.Equal(DecisionLog.Category, entry.Category);
        var state = entry.State.ToDictionary(p => p.Key, p => p.Value?.ToString());
        Assert.Equal(record.Id.ToString(), state["DecisionId"]);
        Assert.Equal("deny", state["Decision"]);
        Assert.Equal("google", state["Partner"]);
        Assert.Equal("ad-platforms", state["Partnership"]);
        Assert.Equal("UNKNOWN_DEVICE,SETTING_DISABLED", state["Reasons"]);
        Assert.Equal(Policy.Version, state["PolicyVersion"]);
        Assert.Matches("^[0-9a-f]{32}$", state["UserHash"]);
        Assert.Matches("^[0-9a-f]{32}$", state["DeviceHash"]);
        Assert.NotEqual(state["UserHash"], state["DeviceHash"]);
        Assert.DoesNotContain("user-4711", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("device-0815", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decision_ids_are_distinct_version_7_uuids_ordered_by_time()
    {
        var first = await _decisions.DecideAsync(Ask("nobody", userId: "u1"), Lane, default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var ids = (await _decisions.DecideManyAsync([.. Enumerable.Repeat(Ask("nobody", userId: "u1"), 1000)], Lane, default)).Select(r => r.Id).ToList();

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids.Append(first.Id), id => Assert.Equal(7, id.Version));
        Assert.All(ids.Append(first.Id), id => Assert.Equal(0b10, id.Variant >> 2));
        Assert.All(ids, id => Assert.True(string.CompareOrdinal(first.Id.ToString(), id.ToString()) < 0, "A later decision sorts after an earlier one."));
        Assert.StartsWith(_time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), ids[0].ToString("N"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_subject_hash_is_keyed()
    {
        var one = new DecisionLog(NullLoggerFactory.Instance, Options.Create(new EvaluationOptions { SubjectHashKey = "first-key-0123456789" }));
        var same = new DecisionLog(NullLoggerFactory.Instance, Options.Create(new EvaluationOptions { SubjectHashKey = "first-key-0123456789" }));
        var other = new DecisionLog(NullLoggerFactory.Instance, Options.Create(new EvaluationOptions { SubjectHashKey = "second-key-0123456789" }));

        Assert.Equal(one.Hash("u1"), same.Hash("u1"));
        Assert.NotEqual(one.Hash("u1"), other.Hash("u1"));
        Assert.NotEqual(one.Hash("u1"), one.Hash("u2"));
        Assert.Null(one.Hash(null));
    }

    [Fact]
    public async Task Decisions_are_counted_by_outcome_and_reason()
    {
        await PutAccountAsync("off", setting: false);
        var counted = new List<(long Value, string? Decision, string? Reason)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // This test's meter only: other tests' services count decisions at the same time.
                if (instrument.Meter.Name == EvaluationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meters) && instrument.Name == "consent.decisions")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var tagList = tags.ToArray();
            counted.Add((value, tagList.Single(t => t.Key == "decision").Value as string, tagList.Single(t => t.Key == "reason").Value as string));
        });
        listener.Start();

        await _decisions.DecideAsync(Ask("google", userId: "off", data: ["ip_address", "email"]), Lane, default);

        Assert.Equal([(1L, "deny", "NEVER_SHARED_DATA"), (1L, "deny", "SETTING_DISABLED")], counted.Order());
    }

    private ReadLane Lane => _lanes.InProcess;

    private static EvaluationQuestion Ask(string partner, string? userId = null, string? deviceAdId = null, string[]? data = null)
    {
        var question = EvaluationQuestion.Create(Policy, partner, null, userId, deviceAdId, EvaluationQuestion.ParseDataList(Policy, string.Join(',', data ?? ["ip_address"])), null);
        return question.Failure is null ? question.Value : throw new InvalidOperationException(question.Failure.Detail);
    }

    private static AccountProjection Account(string userId, bool setting) => new(userId, true, CountryCode.Parse("DE"), SignedUp, setting, 1, 1);

    private Task<string?> PutAccountAsync(string userId, bool setting) => _store.TryPutAccountAsync(Account(userId, setting), null, default);

    private Task<string?> PutDeviceAsync(string adId, params string[] userIds) => _store.TryPutDeviceAsync(new DeviceProjection(adId, userIds, userIds.Length), null, default);

    private sealed class FailingStore : IProjectionStore
    {
        public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken) => throw new IOException("store down");

        public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) => throw new IOException("store down");

        public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) => throw new IOException("store down");

        public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) => throw new IOException("store down");
    }

    private sealed record LogEntry(string Category, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public List<LogEntry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerFactory provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (category == DecisionLog.Category && eventId.Id == 1)
                {
                    provider.Entries.Add(new LogEntry(category, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
                }
            }
        }
    }
}
