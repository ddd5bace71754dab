using System.Collections.Concurrent;

namespace ConsentGateway.Core.Consent;

/// <summary>
/// The accounts this process changed last, as it left them, so that the next change of the same
/// account skips the read. Only a hint: a stale entry makes the conditional write fail, and the
/// writer then reads the store. Used under the account's lock; bounded by clearing when full.
/// </summary>
internal sealed class RecentAccounts(int capacity)
{
    private readonly ConcurrentDictionary<string, AccountRecord> _accounts = new(StringComparer.Ordinal);

    public AccountRecord? Get(string userId) => _accounts.TryGetValue(userId, out var account) ? account : null;

    public void Remember(AccountRecord account)
    {
        if (_accounts.Count >= capacity)
        {
            _accounts.Clear();
        }

        _accounts[account.UserId] = account;
    }

    public void Forget(string userId) => _accounts.TryRemove(userId, out _);
}
