
namespace ConsentGateway.Core.Evaluation;

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
