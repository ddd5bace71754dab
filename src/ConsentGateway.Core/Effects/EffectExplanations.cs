using System.Globalization;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Effects;

/// <summary>
/// The plain English of an effect: what happens to the account's data for one partnership and
/// why, from the reason the evaluator gave and the policy's texts (partner names, data labels,
/// the cut-off). Where the setting governs, the before-signup rule is said too.
/// </summary>
internal static class EffectExplanations
{
    /// <summary>The cut-off region the reason code <c>EEA_UK_SIGNUP_BEFORE_CUTOFF</c> is named after, and how people call it.</summary>
    private const string EeaUk = "EEA_UK";

    public static string Explain(Facts facts)
    {
        var partners = List(facts.Partners.Select(p => p.Name), "the partners of this partnership");
        var data = List(facts.Data.Select(d => Lower(d.Label)), "its data items");
        var sentence = facts.Reason switch
        {
            ReasonCode.SettingNotApplicableInRegion =>
                $"Your setting does not apply to this partnership where your account is located, so turning it on or off changes nothing here: {data} may be shared with {partners}.",
            ReasonCode.EeaUkSignupBeforeCutoff =>
                $"Your account signed up in {RegionName(facts.CutoffRegion)} before {Date(facts.Partnership.CutoffBefore)}, so nothing is shared with {partners} under this partnership, even if your setting is on.",
            ReasonCode.SettingEnabled =>
                $"Your setting is on{Default(facts.Setting)}, so {data} may be shared with {partners}.",
            ReasonCode.SettingDisabled =>
                $"Your setting is off{Default(facts.Setting)}, so nothing is shared with {partners} under this partnership.",
            ReasonCode.UnknownAccount =>
                $"Decisions do not know your account yet (it is still being applied), so for now nothing is shared with {partners} under this partnership.",
            _ => facts.Allowed
                ? $"Decisions answer {facts.Reason.ToCode()} for this partnership: {data} may be shared with {partners}."
                : $"Decisions answer {facts.Reason.ToCode()} for this partnership: nothing is shared with {partners} under it.",
        };

        return facts.Governed ? sentence + " " + BeforeSignup(facts.Partnership, data) : sentence;
    }

    private static string BeforeSignup(Partnership partnership, string data) => partnership.BeforeSignupAllowed
        ? $"A device used before you had an account shares {data} under this partnership until it is linked to your account; from then on your setting decides."
        : "A device used before you had an account shares nothing under this partnership.";

    private static string Default(SettingView setting) => setting.IsDefault ? " (the default where your account is; you have not changed it)" : "";

    private static string RegionName(string? region) => region switch
    {
        EeaUk => "the EEA or the UK",
        null => "its region",
        _ => "region " + region,
    };

    private static string Date(DateTimeOffset? instant) =>
        instant is { } at ? at.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) : "the cut-off";

    // "IP address" stays as it is; "Mobile device advertising identifier" reads mid-sentence in lower case.
    private static string Lower(string label) =>
        label.Length > 1 && char.IsUpper(label[0]) && !char.IsUpper(label[1]) ? char.ToLowerInvariant(label[0]) + label[1..] : label;

    private static string List(IEnumerable<string> items, string none)
    {
        var all = items.ToList();
        return all.Count switch
        {
            0 => none,
            1 => all[0],
            _ => string.Join(", ", all[..^1]) + " and " + all[^1],
        };
    }

    /// <summary>What an explanation is made from.</summary>
    public sealed record Facts(
        Partnership Partnership,
        bool Governed,
        bool Allowed,
        ReasonCode Reason,
        SettingView Setting,
        IReadOnlyList<EffectPartner> Partners,
        IReadOnlyList<EffectDataItem> Data,
        string? CutoffRegion);
}
