namespace ConsentGateway.Core.Accounts;

/// <summary>The accounts, their settings and the settings' history (Table Storage in production).</summary>
public interface IAccountStore
{
    /// <summary>
    /// The account (tombstones included) with its setting as of the newest change; <c>null</c> if
    /// it never existed. Its cost does not depend on how many devices are linked to it: the
    /// projector reads it for every change of the account (see <see cref="GetLinkedDevicesAsync"/>).
    /// </summary>
    Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the account's facts (country, sign-up, revision, tombstone) if the stored row still
    /// has <c>proposed.ConcurrencyToken</c> (<c>null</c>: no row may exist yet), together with
    /// <paramref name="change"/> in the same atomic transaction when given. The setting fields of
    /// <paramref name="proposed"/> are not stored by this call: the setting is its history.
    /// Returns the account as stored (with its new token), or <c>null</c> when another writer got there first.
    /// </summary>
    Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken);

    /// <summary>
    /// Records a setting change: the change is its own history entry, and its version is unique
    /// per account, so a single atomic insert both orders concurrent writers and keeps the proof.
    /// Returns <c>false</c> when the version was already taken (another writer got there first).
    /// </summary>
    Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken);

    /// <summary>Every accepted change of the account's setting, oldest first.</summary>
    Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Records that a device is linked to the account (the account-side index of links); idempotent.</summary>
    Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The devices recorded by <see cref="AddDeviceLinkAsync"/> for the account, in ordinal order; empty for none.</summary>
    Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken);
}
