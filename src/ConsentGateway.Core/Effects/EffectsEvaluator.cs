using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Core.Effects;

/// <summary>
/// Computes <see cref="SettingEffects"/> from the account as stored and its row of the decision
/// projection: the sharing and reasons come from <see cref="PolicyEvaluator"/> on the projected
/// facts, exactly as an evaluation of the account reads them, so the answer and the proxies'
/// decisions cannot disagree (ADR 11). Pure: no I/O.
/// </summary>
public static class EffectsEvaluator
{
    /// <summary>The region of a country that is in none of the policy's regions.</summary>
    public const string Elsewhere = PolicyValidator.Everywhere;

    /// <param name="policy">The policy in force.</param>
    /// <param name="account">The account as stored (it exists).</param>
    /// <param name="projection">Its row of the decision projection; <c>null</c> while it has none.</param>
    public static SettingEffects Evaluate(CompiledPolicy policy, AccountRecord account, AccountProjection? projection)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(account);
        var subject = SubjectFacts.ForUser(projection is null ? AccountLookup.NotFound : AccountLookup.Of(projection));
        var setting = SettingView.Of(account, policy);
        // Governed where decisions place the account now: its projected country until a move is projected.
        var regions = policy.RegionsOf(projection is { Exists: true } ? projection.Country : account.Country);
        var texts = policy.Document;

        var partnerships = new List<PartnershipEffect>(policy.Partnerships.Count);
        foreach (var (partnership, document) in policy.Partnerships.Zip(texts.Partnerships!))
        {
            var answer = PolicyEvaluator.EvaluatePartnership(policy, partnership, default, subject);
            var partners = texts.Partners!
                .Where(p => p.Partnership == partnership.Id)
                .Select(p => new EffectPartner(p.Id!, English(p.DisplayName), p.Role!, p.PrivacyPolicyUrl))
                .ToList();
            var data = document.Data!.Select(item => new EffectDataItem(item, English(texts.DataItems![item].Label))).ToList();
            var facts = new EffectExplanations.Facts(
                partnership,
                partnership.SettingScope.Contains(regions),
                answer.Allowed,
                answer.Reasons.First,
                setting,
                partners,
                data,
                document.SignupCutoff?.Region);
            partnerships.Add(new PartnershipEffect(
                partnership.Id,
                English(document.Title),
                English(document.Description),
                facts.Governed,
                answer.Allowed,
                facts.Reason,
                EffectExplanations.Explain(facts),
                partnership.BeforeSignupAllowed,
                partners,
                data));
        }

        return new SettingEffects(
            account.UserId,
            policy.Version,
            account.Country,
            RegionOf(texts, account.Country),
            account.SignedUpAt,
            setting,
            projection is { Exists: true } && projection.IsAtLeastAsNewAs(AccountProjection.From(account)),
            partnerships);
    }

    // The first region of the document that lists the country (documents rarely overlap them).
    private static string RegionOf(PolicyDocument document, CountryCode country) =>
        document.Regions!.FirstOrDefault(region => region.Value.Contains(country.ToString(), StringComparer.Ordinal)).Key ?? Elsewhere;

    private static string English(IReadOnlyDictionary<string, string>? text) => text![PolicyTextsValidator.RequiredLanguage];
}
