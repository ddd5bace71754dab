using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Effects;

/// <summary>
/// What the partner-sharing setting does for one account now (SPEC §4, ADR 11): one entry per
/// partnership of the policy in force, computed by the evaluator from the decision projection.
/// </summary>
/// <param name="UserId">The account.</param>
/// <param name="PolicyVersion">The policy in force that the answer was computed under.</param>
/// <param name="Country">The account's country.</param>
/// <param name="Region">The policy region that contains <paramref name="Country"/>, or <c>*</c> when none does.</param>
/// <param name="SignedUpAt">When the account signed up.</param>
/// <param name="Setting">The stored setting (the truth, as the setting's own read answers it).</param>
/// <param name="InEffect">The projection that decisions read holds this version of the account (its revision: country, sign-up, deletion) and of its setting, or newer ones.</param>
/// <param name="Partnerships">What decisions answer for each partnership now, in the policy's order.</param>
public sealed record SettingEffects(
    string UserId,
    string PolicyVersion,
    CountryCode Country,
    string Region,
    DateTimeOffset SignedUpAt,
    SettingView Setting,
    bool InEffect,
    IReadOnlyList<PartnershipEffect> Partnerships)
{
    /// <summary>The version of the texts in the answer: the policy's, since the texts live in its document. A client that shows them passes it back with a change.</summary>
    public string NoticeVersion => PolicyVersion;
}
