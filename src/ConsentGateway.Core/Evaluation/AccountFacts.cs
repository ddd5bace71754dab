using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>The facts about one account that the rules need.</summary>
/// <param name="Country">Where the account is located.</param>
/// <param name="SignedUpAt">When the account signed up (UTC).</param>
/// <param name="Setting">The explicit setting, or <c>null</c> if the account never touched it (the region's default applies).</param>
/// <param name="SettingVersion">The setting's version: 0 before the first change, then 1, 2, …</param>
public readonly record struct AccountFacts(CountryCode Country, DateTimeOffset SignedUpAt, bool? Setting, long SettingVersion);
