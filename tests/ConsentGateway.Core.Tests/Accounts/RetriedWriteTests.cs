using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests.Accounts;

/// <summary>A store client that retries a try which landed but timed out reports a lost race for a write that happened.</summary>
public sealed class RetriedWriteTests
{
    [Fact]
    public async Task A_create_that_landed_but_was_reported_lost_is_still_announced()
    {
        var accounts = new LandedButReportedLost(new InMemoryAccountStore());
        var publisher = new QueuedPublisher();
        var intents = new InMemoryIntentLog();
        var service = new AccountService(accounts, new InMemoryDeviceStore(), new PolicyInForce(PolicyLoader.Load(null)),
            new ChangeFeed(intents, publisher, TimeProvider.System, NullLogger<ChangeFeed>.Instance), TimeProvider.System, Options.Create(new AccountsOptions()));

        var outcome = await service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", CancellationToken.None);

        Assert.Null(outcome.Failure);
        var notice = Assert.Single(publisher.Published);
        Assert.Equal((ChangeKind.Account, "u1", 1L), (notice.Kind, notice.Key, notice.Version));
        Assert.NotEmpty(await intents.GetPendingAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_facts_again_without_a_failed_write_announce_nothing()
    {
        var publisher = new QueuedPublisher();
        var service = new AccountService(new InMemoryAccountStore(), new InMemoryDeviceStore(), new PolicyInForce(PolicyLoader.Load(null)),
            new ChangeFeed(new InMemoryIntentLog(), publisher, TimeProvider.System, NullLogger<ChangeFeed>.Instance), TimeProvider.System, Options.Create(new AccountsOptions()));

        await service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", CancellationToken.None);
        var again = await service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", CancellationToken.None);

        Assert.False(again.Value!.Changed);
        Assert.Single(publisher.Published);
    }

    /// <summary>Writes the first account write, then answers as if another writer had won (a 409 to the retried try).</summary>
    private sealed class LandedButReportedLost(IAccountStore inner) : IAccountStore
    {
        private int _writes;

        public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken) => inner.FindAsync(userId, cancellationToken);

        public async Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken)
        {
            var written = await inner.TryWriteAccountAsync(proposed, change, cancellationToken);
            return Interlocked.Increment(ref _writes) == 1 ? null : written;
        }

        public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken) => inner.TryAppendChangeAsync(userId, change, cancellationToken);

        public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken) => inner.GetHistoryAsync(userId, cancellationToken);

        public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) => inner.AddDeviceLinkAsync(userId, adId, at, cancellationToken);

        public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken) => inner.GetLinkedDevicesAsync(userId, cancellationToken);
    }
}
