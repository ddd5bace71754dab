using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>The facts about one account that the rules need.</summary>
/// <param name="Country">Where the account is located.</param>
/// <param name="SignedUpAt">When the account signed up (UTC).</param>
/// <param name="Setting">The explicit setting, or <c>null</c> if the account never touched it (the region's default applies).</param>
/// <param name="SettingVersion">The setting's version: 0 before the first change, then 1, 2, …</param>
public readonly record struct AccountFacts(CountryCode Country, DateTimeOffset SignedUpAt, bool? Setting, long SettingVersion);

/// <summary>The outcome of reading one subject id from the store.</summary>
public enum LookupStatus
{
    /// <summary>The request did not name this id.</summary>
    NotRequested,
    Found,
    NotFound,

    /// <summary>The store could not be read fresh enough: fail closed.</summary>
    Unavailable,
}

/// <summary>An account as read for a decision: its status and, when found, its facts.</summary>
public readonly record struct AccountLookup(LookupStatus Status, AccountFacts Facts)
{
    public static AccountLookup NotRequested => default;

    public static AccountLookup NotFound => new(LookupStatus.NotFound, default);

    public static AccountLookup Unavailable => new(LookupStatus.Unavailable, default);

    public static AccountLookup Found(AccountFacts facts) => new(LookupStatus.Found, facts);
}

/// <summary>
/// Everything read about the subject of one request: the account named by <c>userId</c> and
/// the device named by <c>deviceAdId</c> with the accounts linked to it. A ref struct so the
/// linked accounts can live in a caller's buffer rather than on the heap.
/// </summary>
public readonly ref struct SubjectFacts
{
    public SubjectFacts(AccountLookup user, LookupStatus device, ReadOnlySpan<AccountLookup> deviceAccounts)
    {
        if (device != LookupStatus.Found && !deviceAccounts.IsEmpty)
        {
            throw new ArgumentException("Only a found device has linked accounts.", nameof(deviceAccounts));
        }

        User = user;
        Device = device;
        DeviceAccounts = deviceAccounts;
    }

    public AccountLookup User { get; }

    public LookupStatus Device { get; }

    /// <summary>The accounts linked to a found device; empty for a device that never had an account.</summary>
    public ReadOnlySpan<AccountLookup> DeviceAccounts { get; }

    public static SubjectFacts ForUser(AccountLookup user) => new(user, LookupStatus.NotRequested, default);

    public static SubjectFacts ForDevice(LookupStatus device, ReadOnlySpan<AccountLookup> deviceAccounts) =>
        new(AccountLookup.NotRequested, device, deviceAccounts);
}
