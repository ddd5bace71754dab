using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Projection;

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

    public SubjectVersion Version => new(Revision, SettingVersion);

    /// <summary>An account the source does not know at all.</summary>
    public static AccountProjection Missing(string userId) => new(userId, false, default, default, null, 0, 0);

    /// <summary>The projection of what the source returned for <paramref name="userId"/> (nothing: missing).</summary>
    public static AccountProjection Of(string userId, AccountRecord? account) => account is null ? Missing(userId) : From(account);

    /// <summary>Computed from a source at least as new as <paramref name="other"/>'s, in every version.</summary>
    public bool IsAtLeastAsNewAs(AccountProjection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Revision >= other.Revision && SettingVersion >= other.SettingVersion;
    }
}
