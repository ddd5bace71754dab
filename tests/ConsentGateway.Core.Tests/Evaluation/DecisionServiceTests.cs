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
        _decisions = new DecisionService(new PolicyInForce(Policy), _cache, new DecisionLog(_logs, new SubjectPseudonyms(evaluation.Value.SubjectHashKey)), metrics, _time);
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
        var decisions = new DecisionService(new PolicyInForce(Policy), cache, new DecisionLog(NullLoggerFactory.Instance, new SubjectPseudonyms(null)), new EvaluationMetrics(_meters), _time);
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
        var decisions = new DecisionService(new PolicyInForce(Policy), failing, new DecisionLog(NullLoggerFactory.Instance, new SubjectPseudonyms(null)), new EvaluationMetrics(_meters), _time);

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
    public async Task Each_decision_is_logged_once_for_audit_with_what_was_asked_and_decided_and_hashed_subject_ids_only()
    {
        await PutAccountAsync("user-4711", setting: true);
        var pseudonyms = new SubjectPseudonyms("a-test-key-of-enough-length");

        var record = await _decisions.DecideAsync(Ask("google", userId: "user-4711", data: ["ip_address", "email"]), _lanes.For("shop-proxy"), default);
        await _decisions.DecideAsync(Ask("google", deviceAdId: "device-0815"), _lanes.For("shop-proxy"), default);

        Assert.Equal(2, _logs.Entries.Count);
        var entry = _logs.Entries[0];
        Assert.Equal(DecisionLog.Category, entry.Category);
        var state = entry.State.Where(p => p.Key != "{OriginalFormat}").ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(
            ["Allowed", "ConsentVersion", "Decision", "DecisionId", "Denied", "DeviceHash", "Partner", "Partnership", "PolicyVersion", "Proxy", "Reasons", "Requested", "UserHash", "Via"],
            state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(record.Id, state["DecisionId"]);
        Assert.Equal("partial", state["Decision"]);
        Assert.Equal("shop-proxy", state["Proxy"]);
        Assert.Equal("google", state["Partner"]);
        Assert.Null(state["Via"]);
        Assert.Equal("ad-platforms", state["Partnership"]);
        Assert.Equal<string[]>(["ip_address", "email"], (string[])state["Requested"]!);
        Assert.Equal<string[]>(["ip_address"], (string[])state["Allowed"]!);
        Assert.Equal<string[]>(["email"], (string[])state["Denied"]!);
        Assert.Equal<string[]>(["NEVER_SHARED_DATA", "SETTING_ENABLED"], (string[])state["Reasons"]!);
        Assert.Equal(Policy.Version, state["PolicyVersion"]);
        Assert.Equal(1L, state["ConsentVersion"]);

        // The subjects only as the keyed pseudonyms, never the ids.
        Assert.Equal(pseudonyms.Subject("user-4711"), state["UserHash"]);
        Assert.Matches("^[0-9a-f]{32}$", (string)state["UserHash"]!);
        Assert.Null(state["DeviceHash"]);
        var deviceState = _logs.Entries[1].State.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(pseudonyms.Subject("device-0815"), deviceState["DeviceHash"]);
        Assert.Null(deviceState["UserHash"]);
        Assert.All(_logs.Entries, logged =>
        {
            Assert.DoesNotContain("user-4711", logged.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("device-0815", logged.Message, StringComparison.Ordinal);
        });
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
        var one = new SubjectPseudonyms("first-key-0123456789");
        var same = new SubjectPseudonyms("first-key-0123456789");
        var other = new SubjectPseudonyms("second-key-0123456789");

        Assert.Equal(one.Subject("u1"), same.Subject("u1"));
        Assert.NotEqual(one.Subject("u1"), other.Subject("u1"));
        Assert.NotEqual(one.Subject("u1"), one.Subject("u2"));
        Assert.Null(one.Subject(null));
        Assert.False(one.IsKeyRandom);
        Assert.True(new SubjectPseudonyms(null).IsKeyRandom);
    }

    [Fact]
    public async Task One_decision_adds_one_to_the_decisions_counter_and_one_per_reason_to_the_reasons_counter()
    {
        await PutAccountAsync("off", setting: false);
        var measured = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        var units = new Dictionary<string, string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // This test's meter only: other tests' services count decisions at the same time.
                if (instrument.Meter.Name == EvaluationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meters))
                {
                    lock (units)
                    {
                        units[instrument.Name] = instrument.Unit;
                    }

                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name.StartsWith("consent.decision", StringComparison.Ordinal))
            {
                measured.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        listener.Start();

        await _decisions.DecideAsync(Ask("google", userId: "off", data: ["ip_address", "email"]), Lane, default);

        var decision = Assert.Single(measured, m => m.Instrument == "consent.decisions");
        Assert.Equal(1, decision.Value);
        Assert.Equal(new Dictionary<string, object?> { ["consent.decision"] = "deny", ["consent.partner"] = "ad-platforms" }, decision.Tags);
        Assert.Equal(
            [("deny", "NEVER_SHARED_DATA"), ("deny", "SETTING_DISABLED")],
            measured.Where(m => m.Instrument == "consent.decision.reasons").Select(m => ((string)m.Tags["consent.decision"]!, (string)m.Tags["consent.reason"]!)).Order());
        Assert.All(measured, m => Assert.All(m.Tags.Keys, key => Assert.StartsWith("consent.", key, StringComparison.Ordinal)));

        // Every instrument of the meter has a UCUM unit.
        Assert.Equal("{decision}", units["consent.decisions"]);
        Assert.Equal("{reason}", units["consent.decision.reasons"]);
        Assert.All(units, unit => Assert.False(string.IsNullOrEmpty(unit.Value), $"{unit.Key} has no unit"));
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
