using ConsentGateway.Core.Consent;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// What the evaluator needs about one account, and the versions it was computed from. A
/// deleted account is projected too (<see cref="Exists"/> false), so it evaluates as unknown.
/// </summary>
public sealed record AccountProjection(string UserId, bool Exists, CountryCode Country, DateTimeOffset SignedUpAt, bool? Setting, long Revision, long SettingVersion)
{
    public static AccountProjection From(AccountRecord account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.UserId, account.Exists, account.Country, account.SignedUpAt, account.Setting, account.Revision, account.SettingVersion);
    }

    /// <summary>An account the source does not know at all.</summary>
    public static AccountProjection Missing(string userId) => new(userId, false, default, default, null, 0, 0);

    /// <summary>The projection of what the source returned for <paramref name="userId"/> (nothing: missing).</summary>
    public static AccountProjection Of(string userId, AccountRecord? account) => account is null ? Missing(userId) : From(account);

    public AccountLookup ToLookup() =>
        Exists ? AccountLookup.Found(new AccountFacts(Country, SignedUpAt, Setting, SettingVersion)) : AccountLookup.NotFound;

    /// <summary>Computed from a source at least as new as <paramref name="other"/>'s, in every version.</summary>
    public bool IsAtLeastAsNewAs(AccountProjection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Revision >= other.Revision && SettingVersion >= other.SettingVersion;
    }
}

/// <summary>
/// What the evaluator needs about one device: the facts of every account linked to it, so a
/// device-keyed question is one read.
/// </summary>
public sealed record DeviceProjection(string AdId, IReadOnlyList<AccountProjection> Accounts)
{
    /// <summary>Links are never removed and account versions only grow: newer means a superset, each no older.</summary>
    public bool IsAtLeastAsNewAs(DeviceProjection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var old in other.Accounts)
        {
            var current = Accounts.FirstOrDefault(a => a.UserId == old.UserId);
            if (current is null || !current.IsAtLeastAsNewAs(old))
            {
                return false;
            }
        }

        return true;
    }

    public bool SameAs(DeviceProjection other) =>
        other is not null && AdId == other.AdId && Accounts.Count == other.Accounts.Count && Accounts.All(a => other.Accounts.Contains(a));
}

/// <summary>A projection row as read, with the store's concurrency token.</summary>
public sealed record Stored<T>(T Value, string ConcurrencyToken);

/// <summary>The decision projection: one row per account and one per device (Table Storage).</summary>
public interface IProjectionStore
{
    Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken);

    Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken);

    /// <summary>Inserts (<paramref name="expectedToken"/> null) or replaces the row if still at that token; returns the row's new token, <c>null</c> on a lost race.</summary>
    Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken);

    /// <summary>Inserts (<paramref name="expectedToken"/> null) or replaces the row if still at that token; returns the row's new token, <c>null</c> on a lost race.</summary>
    Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken);
}
