using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests.Accounts;

/// <summary>
/// A write whose answer is lost after the store applied it: the caller gets an error, no notice
/// is published, and the transport is told the change may exist, so it cannot vouch for knowing
/// every change until repair publishes the intent.
/// </summary>
public sealed class UnconfirmedWriteTests
{
    private readonly InMemoryAccountStore _stored = new();
    private readonly InMemoryIntentLog _intents = new();
    private readonly QueuedPublisher _publisher = new();
    private readonly RecordingUnconfirmedWrites _unconfirmed = new();
    private readonly AccountService _service;

    public UnconfirmedWriteTests()
    {
        _service = Service(new AppliedThenLost(_stored), _intents, _publisher);
    }

    [Fact]
    public async Task A_setting_write_that_throws_after_landing_is_reported_unconfirmed_with_its_intent_kept_for_repair()
    {
        await Service(_stored, new InMemoryIntentLog(), new QueuedPublisher()).RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", CancellationToken.None);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => _service.ChangeSettingAsync("u1", enabled: true, expectedVersion: null, ChangeChannel.User, CancellationToken.None));

        var pending = Assert.Single(await _intents.GetPendingAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
        var reported = Assert.Single(_unconfirmed.Intents);
        Assert.Equal(pending, reported);
        Assert.Empty(_publisher.Published);
        Assert.True((await _stored.FindAsync("u1", CancellationToken.None))!.Setting);
    }

    [Fact]
    public async Task A_write_that_succeeds_is_published_and_not_reported_unconfirmed()
    {
        await Service(_stored, _intents, _publisher).RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", CancellationToken.None);

        Assert.Single(_publisher.Published);
        Assert.Empty(_unconfirmed.Intents);
    }

    private AccountService Service(IAccountStore accounts, InMemoryIntentLog intents, QueuedPublisher publisher) =>
        new(accounts, new InMemoryDeviceStore(), new PolicyInForce(PolicyLoader.Load(null)),
            new ChangeFeed(intents, publisher, TimeProvider.System, NullLogger<ChangeFeed>.Instance, _unconfirmed), TimeProvider.System, Options.Create(new AccountsOptions()));

    /// <summary>Applies a setting change, then throws as a reset connection would.</summary>
    private sealed class AppliedThenLost(IAccountStore inner) : IAccountStore
    {
        public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken) => inner.FindAsync(userId, cancellationToken);

        public Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken) => inner.TryWriteAccountAsync(proposed, change, cancellationToken);

        public async Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken)
        {
            await inner.TryAppendChangeAsync(userId, change, cancellationToken);
            throw new StoreUnavailableException("The connection was reset before the answer arrived.");
        }

        public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken) => inner.GetHistoryAsync(userId, cancellationToken);

        public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) => inner.AddDeviceLinkAsync(userId, adId, at, cancellationToken);

        public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken) => inner.GetLinkedDevicesAsync(userId, cancellationToken);
    }

    private sealed class RecordingUnconfirmedWrites : IUnconfirmedWrites
    {
        public List<Intent> Intents { get; } = [];

        public void Unconfirmed(Intent intent) => Intents.Add(intent);
    }
}
