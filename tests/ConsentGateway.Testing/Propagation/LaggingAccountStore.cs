using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;

namespace ConsentGateway.Testing.Propagation;

// Also compiled into ConsentGateway.Functions.Tests (linked), so there is one copy.

/// <summary>An account store whose next read of an account can return an older state (a lagging read).</summary>
public sealed class LaggingAccountStore(IAccountStore inner) : IAccountStore
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<AccountRecord>> _stale = new(StringComparer.Ordinal);

    public void ServeStaleOnce(AccountRecord stale) => _stale.GetOrAdd(stale.UserId, _ => new()).Enqueue(stale);

    public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken) =>
        _stale.TryGetValue(userId, out var queue) && queue.TryDequeue(out var old) ? Task.FromResult<AccountRecord?>(old) : inner.FindAsync(userId, cancellationToken);

    public Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken) => inner.TryWriteAccountAsync(proposed, change, cancellationToken);

    public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken) => inner.TryAppendChangeAsync(userId, change, cancellationToken);

    public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken) => inner.GetHistoryAsync(userId, cancellationToken);

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) => inner.AddDeviceLinkAsync(userId, adId, at, cancellationToken);
}
