using ConsentGateway.Core.Evaluation;

namespace ConsentGateway.Core.Effects;

/// <summary>What decisions answer now for one partnership's data about one account, and why, in the policy's texts.</summary>
/// <param name="Id">The partnership's id.</param>
/// <param name="Title">Its title for people (English).</param>
/// <param name="Description">Its description for people (English).</param>
/// <param name="GovernedBySetting">The setting governs the partnership in the account's region (its <c>settingScope</c>).</param>
/// <param name="Allowed">A controller or advertiser of the partnership may get its data about the account now.</param>
/// <param name="Reason">The reason an evaluation of that data names first.</param>
/// <param name="Explanation">One or two plain English sentences: what happens and why.</param>
/// <param name="BeforeSignupAllowed">The partnership's rule for a device used before signing up (where the setting governs).</param>
/// <param name="Partners">Every partner of the partnership, in the policy's order.</param>
/// <param name="Data">The partnership's data items, in the policy's order.</param>
public sealed record PartnershipEffect(
    string Id,
    string Title,
    string Description,
    bool GovernedBySetting,
    bool Allowed,
    ReasonCode Reason,
    string Explanation,
    bool BeforeSignupAllowed,
    IReadOnlyList<EffectPartner> Partners,
    IReadOnlyList<EffectDataItem> Data);
