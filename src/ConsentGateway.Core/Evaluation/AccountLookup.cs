using ConsentGateway.Core.Projection;

namespace ConsentGateway.Core.Evaluation;

/// <summary>An account as read for a decision: its status and, when found, its facts.</summary>
public readonly record struct AccountLookup(LookupStatus Status, AccountFacts Facts)
{
    public static AccountLookup NotRequested => default;

    public static AccountLookup NotFound => new(LookupStatus.NotFound, default);

    public static AccountLookup Unavailable => new(LookupStatus.Unavailable, default);

    public static AccountLookup Found(AccountFacts facts) => new(LookupStatus.Found, facts);

    /// <summary>What the projection says about an account: its facts, or not found when it is deleted or unknown.</summary>
    public static AccountLookup Of(AccountProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return projection.Exists
            ? Found(new AccountFacts(projection.Country, projection.SignedUpAt, projection.Setting, projection.SettingVersion))
            : NotFound;
    }
}
