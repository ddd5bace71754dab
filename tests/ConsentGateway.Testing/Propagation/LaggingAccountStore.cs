using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;

namespace ConsentGateway.Testing.Propagation;

// Also compiled into ConsentGateway.Functions.Tests (linked), so there is one copy.

/// <summary>An account store whose reads of an account can lag: return an older state once, or wait at a gate (a slow projection).</summary>
public sealed class LaggingAccountStore(IAccountStore inner) : IAccountStore
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<AccountRecord>> _stale = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public void ServeStaleOnce(AccountRecord stale) => _stale.GetOrAdd(stale.UserId, _ => new()).Enqueue(stale);

    /// <summary>From now on every read of the account waits until the gate lets it pass.</summary>
    public Gate HoldReadsOf(string userId) => _gates.GetOrAdd(userId, _ => new Gate());

    public async Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        if (_gates.TryGetValue(userId, out var gate))
        {
            await gate.PassAsync(cancellationToken);
        }

        return _stale.TryGetValue(userId, out var queue) && queue.TryDequeue(out var old) ? old : await inner.FindAsync(userId, cancellationToken);
    }

    public Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken) => inner.TryWriteAccountAsync(proposed, change, cancellationToken);

    public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken) => inner.TryAppendChangeAsync(userId, change, cancellationToken);

    public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken) => inner.GetHistoryAsync(userId, cancellationToken);

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) => inner.AddDeviceLinkAsync(userId, adId, at, cancellationToken);

    public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken) => inner.GetLinkedDevicesAsync(userId, cancellationToken);
}
