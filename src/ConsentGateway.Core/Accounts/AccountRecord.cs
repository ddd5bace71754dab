using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Accounts;

/// <summary>
/// One account as read: its facts and its partner-sharing setting as of the newest entry of its
/// history (the setting is its history; see docs/storage.md). A deleted account stays as a
/// tombstone, and its history stays, so versions never restart.
/// </summary>
/// <param name="UserId">The account id.</param>
/// <param name="Country">Where the account is located.</param>
/// <param name="SignedUpAt">When the account signed up (UTC).</param>
/// <param name="Revision">Counts accepted changes of the account's facts (create, move, delete): 1, 2, …</param>
/// <param name="Setting">The explicit setting, or <c>null</c> while the account never set it (the default applies).</param>
/// <param name="SettingVersion">Counts accepted setting changes: 0 before the first, then 1, 2, …</param>
/// <param name="SettingUpdatedAt">When the setting last changed.</param>
/// <param name="Deleted">A tombstone: the account evaluates as unknown.</param>
/// <param name="ConcurrencyToken">The store's token for the account's facts as read (ETag); <c>null</c> for an account not yet stored.</param>
public sealed record AccountRecord(
    string UserId,
    CountryCode Country,
    DateTimeOffset SignedUpAt,
    long Revision,
    bool? Setting,
    long SettingVersion,
    DateTimeOffset? SettingUpdatedAt,
    bool Deleted,
    string? ConcurrencyToken)
{
    public bool Exists => !Deleted;
}
