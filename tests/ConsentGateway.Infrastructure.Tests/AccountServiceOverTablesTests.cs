using System.Collections.Concurrent;
using Azure.Data.Tables;
using ConsentGateway.Core;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>The use cases of Core over the real stores: what the HTTP layer will see.</summary>
[Collection(SharedAzurite.Name)]
public sealed class AccountServiceOverTablesTests(AzuriteServer azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 8;
    private const int TogglesPerWriter = 25;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly CompiledPolicy Policy = PolicyLoader.LoadDefault();

    private TableClient _accountsTable = null!;
    private TableClient _devicesTable = null!;
    private TableClient _intentsTable = null!;
    private RaceCountingStore _accounts = null!;
    private TableIntentLog _intents = null!;
    private RecordingPublisher _publisher = null!;
    private AccountService _service = null!;

    public async Task InitializeAsync()
    {
        _accountsTable = await azurite.CreateTableAsync("accounts");
        _devicesTable = await azurite.CreateTableAsync("devices");
        _intentsTable = await azurite.CreateTableAsync("intents");
        _accounts = new RaceCountingStore(new TableAccountStore(_accountsTable));
        _intents = new TableIntentLog(_intentsTable);
        _publisher = new RecordingPublisher();
        _service = NewService();
    }

    public async Task DisposeAsync()
    {
        await _accountsTable.DeleteAsync();
        await _devicesTable.DeleteAsync();
        await _intentsTable.DeleteAsync();
    }

    /// <param name="servicePerWriter">
    /// <c>false</c>: the writers share one <see cref="AccountService"/>, as the requests of one app
    /// instance do (they queue on the account's lock and each knows the version the previous one
    /// wrote, so none loses a race); <c>true</c>: each writer has its own, as separate app
    /// instances do, so their inserts race for the same history versions.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_toggles_without_if_match_lose_no_update_and_leave_a_gapless_history(bool servicePerWriter)
    {
        Assert.Null((await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T12:00:00Z", Ct)).Failure);
        var services = Enumerable.Range(0, Writers).Select(_ => servicePerWriter ? NewService() : _service).ToList();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                await start.Task;
                var outcomes = new List<(bool Enabled, Outcome<SettingView> Outcome)>();
                for (var toggle = 0; toggle < TogglesPerWriter; toggle++)
                {
                    var enabled = (writer + toggle) % 2 == 0;
                    outcomes.Add((enabled, await services[writer].ChangeSettingAsync("u1", enabled, expectedVersion: null, ChangeChannel.User, Ct)));
                }

                return outcomes;
            },
            Ct)).ToList();
        start.SetResult();
        var outcomes = (await Task.WhenAll(writers)).SelectMany(results => results).ToList();

        // A writer that kept losing may be told to retry (409, nothing written); nothing else fails.
        Assert.All(outcomes, result => Assert.True(result.Outcome.Failure is null or { Kind: FailureKind.Conflict }, result.Outcome.Failure?.Detail));
        var accepted = outcomes.Where(result => result.Outcome.Failure is null).ToList();
        output.WriteLine("{0} of {1} changes accepted after {2} lost races.", accepted.Count, outcomes.Count, _accounts.LostRaces);
        Assert.NotEmpty(accepted);
        if (servicePerWriter)
        {
            Assert.True(_accounts.LostRaces > 0, "The writers never raced: the test proved nothing about concurrency.");
        }
        else
        {
            // Within one instance the writers of an account queue: none races, none is starved into a 409.
            Assert.Equal(0, _accounts.LostRaces);
            Assert.Equal(outcomes.Count, accepted.Count);
        }

        var history = (await _service.GetHistoryAsync("u1", Ct)).Value!;
        Assert.Equal(Enumerable.Range(1, accepted.Count).Select(version => (long)version), history.Select(change => change.Version));
        Assert.Equal(
            accepted.Select(result => (result.Outcome.Value!.Version, (bool?)result.Enabled)).Order(),
            history.Select(change => (change.Version, change.Enabled)));
        Assert.All(history, change => Assert.Equal(ChangeChannel.User, change.Channel));

        var final = (await _service.GetSettingAsync("u1", Ct)).Value!;
        Assert.Equal(history[^1].Version, final.Version);
        Assert.Equal(history[^1].Enabled, final.Enabled);
        Assert.False(final.IsDefault);
    }

    [Fact]
    public async Task A_deleted_account_keeps_its_history_and_counts_on_from_it()
    {
        await _service.RegisterAccountAsync("u1", "FR", "2021-03-01T12:00:00Z", Ct);
        await _service.ChangeSettingAsync("u1", true, expectedVersion: 0, ChangeChannel.User, Ct);
        Assert.Null((await _service.DeleteAccountAsync("u1", Ct)).Failure);
        Assert.Equal(FailureKind.NotFound, (await _service.GetSettingAsync("u1", Ct)).Failure?.Kind);

        var again = await _service.RegisterAccountAsync("u1", "FR", "2021-03-01T12:00:00Z", Ct);

        Assert.True(again.Value!.Created);
        Assert.Equal(2, again.Value.Account.SettingVersion);
        Assert.Equal([(1L, (bool?)true), (2L, null)], (await _service.GetHistoryAsync("u1", Ct)).Value!.Select(change => (change.Version, change.Enabled)));
    }

    [Fact]
    public async Task A_change_from_an_instance_that_missed_the_deletion_is_refused()
    {
        // Two app instances: the first remembers the account as it left it, the second deletes it.
        var other = NewService();
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T12:00:00Z", Ct);
        Assert.Null((await _service.ChangeSettingAsync("u1", true, expectedVersion: null, ChangeChannel.User, Ct)).Failure);
        Assert.Null((await other.DeleteAccountAsync("u1", Ct)).Failure);

        // Its reset took version 2, so the first instance's insert of version 2 fails, and the fresh read finds a tombstone.
        var late = await _service.ChangeSettingAsync("u1", false, expectedVersion: null, ChangeChannel.User, Ct);

        Assert.Equal(FailureKind.NotFound, late.Failure?.Kind);
        Assert.Equal(1, _accounts.LostRaces);
        Assert.Equal([(1L, (bool?)true), (2L, null)], (await _service.GetHistoryAsync("u1", Ct)).Value!.Select(change => (change.Version, change.Enabled)));
    }

    [Fact]
    public async Task A_stale_if_match_is_refused_and_writes_nothing()
    {
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T12:00:00Z", Ct);
        await _service.ChangeSettingAsync("u1", true, expectedVersion: 0, ChangeChannel.User, Ct);

        var stale = await _service.ChangeSettingAsync("u1", false, expectedVersion: 0, ChangeChannel.User, Ct);

        Assert.Equal(FailureKind.PreconditionFailed, stale.Failure?.Kind);
        Assert.Single((await _service.GetHistoryAsync("u1", Ct)).Value!);
        Assert.True((await _service.GetSettingAsync("u1", Ct)).Value!.Enabled);
    }

    [Fact]
    public async Task Linking_a_device_indexes_it_on_both_sides()
    {
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T12:00:00Z", Ct);

        Assert.True((await _service.LinkDeviceAsync("d1", "u1", Ct)).Value!.Created);
        Assert.False((await _service.LinkDeviceAsync("d1", "u1", Ct)).Value!.Created);

        Assert.Equal(["d1"], await new TableAccountStore(_accountsTable).GetLinkedDevicesAsync("u1", Ct));
        Assert.Equal(["u1"], (await new TableDeviceStore(_devicesTable).FindAsync("d1", Ct))!.LinkedUserIds);
    }

    [Fact]
    public async Task Each_accepted_change_records_an_intent_and_publishes_its_notice_and_a_refused_or_idle_write_leaves_none()
    {
        Assert.Null((await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T12:00:00Z", Ct)).Failure);
        Assert.Null((await _service.ChangeSettingAsync("u1", true, expectedVersion: 0, ChangeChannel.User, Ct)).Failure);
        Assert.True((await _service.RegisterDeviceAsync("d1", Ct)).Value);
        Assert.True((await _service.LinkDeviceAsync("d1", "u1", Ct)).Value!.Created);

        var notices = _publisher.Notices;
        Assert.Equal(
            [(ChangeKind.Account, "u1", 1L, (string?)null), (ChangeKind.Setting, "u1", 1L, null), (ChangeKind.Device, "d1", 0L, null), (ChangeKind.Device, "d1", 0L, "u1")],
            notices.Select(notice => (notice.Kind, notice.Key, notice.Version, notice.LinkedUserId)));
        var pending = await PendingAsync();
        Assert.Equal(notices.Select(notice => notice.IntentId).Order(StringComparer.Ordinal), pending.Keys.Order(StringComparer.Ordinal));
        Assert.All(notices, notice => Assert.Equal((notice.Kind, notice.Key, notice.LinkedUserId, notice.AcceptedAt), (pending[notice.IntentId].Kind, pending[notice.IntentId].Key, pending[notice.IntentId].LinkedUserId, pending[notice.IntentId].RecordedAt)));

        // Refused (stale If-Match, unknown account) or nothing to write (the same facts again, a link that exists).
        Assert.Equal(FailureKind.PreconditionFailed, (await _service.ChangeSettingAsync("u1", false, expectedVersion: 0, ChangeChannel.User, Ct)).Failure?.Kind);
        Assert.Equal(FailureKind.NotFound, (await _service.ChangeSettingAsync("nobody", false, expectedVersion: null, ChangeChannel.User, Ct)).Failure?.Kind);
        Assert.False((await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T12:00:00Z", Ct)).Value!.Changed);
        Assert.False((await _service.RegisterDeviceAsync("d1", Ct)).Value);
        Assert.False((await _service.LinkDeviceAsync("d1", "u1", Ct)).Value!.Created);

        Assert.Equal(notices, _publisher.Notices);
        Assert.Equal(pending.Keys.Order(StringComparer.Ordinal), (await PendingAsync()).Keys.Order(StringComparer.Ordinal));
    }

    private async Task<Dictionary<string, Intent>> PendingAsync() =>
        (await _intents.GetPendingAsync(DateTimeOffset.MaxValue, 1000, Ct)).ToDictionary(intent => intent.Id);

    private AccountService NewService() =>
        new(_accounts, new TableDeviceStore(_devicesTable), new PolicyInForce(Policy), new ChangeFeed(_intents, _publisher, TimeProvider.System, NullLogger<ChangeFeed>.Instance), TimeProvider.System, Options.Create(new AccountsOptions()));

    /// <summary>Keeps every notice published, in order.</summary>
    private sealed class RecordingPublisher : IChangePublisher
    {
        private readonly ConcurrentQueue<ChangeNotice> _notices = new();

        public IReadOnlyList<ChangeNotice> Notices => [.. _notices];

        public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
        {
            _notices.Enqueue(notice);
            return Task.CompletedTask;
        }
    }

    /// <summary>Counts the writes that lost a race, to show the test had contention.</summary>
    private sealed class RaceCountingStore(IAccountStore inner) : IAccountStore
    {
        private int _lostRaces;

        /// <summary>Account writes refused (stale token, existing row or history version) plus appends of a version already taken.</summary>
        public int LostRaces => Volatile.Read(ref _lostRaces);

        public async Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken)
        {
            var written = await inner.TryWriteAccountAsync(proposed, change, cancellationToken);
            if (written is null)
            {
                Interlocked.Increment(ref _lostRaces);
            }

            return written;
        }

        public async Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken)
        {
            var appended = await inner.TryAppendChangeAsync(userId, change, cancellationToken);
            if (!appended)
            {
                Interlocked.Increment(ref _lostRaces);
            }

            return appended;
        }

        public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken) => inner.FindAsync(userId, cancellationToken);

        public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken) => inner.GetHistoryAsync(userId, cancellationToken);

        public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) => inner.AddDeviceLinkAsync(userId, adId, at, cancellationToken);

        public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken) => inner.GetLinkedDevicesAsync(userId, cancellationToken);
    }
}
