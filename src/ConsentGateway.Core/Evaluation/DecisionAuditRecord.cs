using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// Everything a decision log line may contain, and nothing else: the one place that decides it.
/// Built only by <see cref="Of"/>, which turns the subject ids into keyed pseudonyms
/// (<see cref="SubjectPseudonyms.Subject"/>), so no raw user or device id can reach a log.
/// </summary>
/// <param name="DecisionId">The id the answer carried (<c>decisionId</c>, <c>X-Consent-Decision-Id</c>).</param>
/// <param name="Decision"><c>allow</c>, <c>deny</c> or <c>partial</c>.</param>
/// <param name="Proxy">The egress proxy that asked (its name in <c>Consent:Proxies</c>).</param>
/// <param name="Partner">The final recipient, as asked.</param>
/// <param name="Via">The processor the data goes through, as asked, or <c>null</c>.</param>
/// <param name="Partnership">The partnership the policy applied, or <c>null</c> for an unknown partner.</param>
/// <param name="Requested">The data items asked about, in the policy's order.</param>
/// <param name="Allowed">The items that may be sent.</param>
/// <param name="Denied">The items that may not.</param>
/// <param name="Reasons">The reason codes, in priority order.</param>
/// <param name="PolicyVersion">The policy document's version.</param>
/// <param name="ConsentVersion">The setting version that decided, when an account's setting did.</param>
/// <param name="UserHash">The user's pseudonym, or <c>null</c> when no user was named.</param>
/// <param name="DeviceHash">The device's pseudonym, or <c>null</c> when no device was named.</param>
public sealed record DecisionAuditRecord(
    Guid DecisionId,
    string Decision,
    string Proxy,
    string Partner,
    string? Via,
    string? Partnership,
    string[] Requested,
    string[] Allowed,
    string[] Denied,
    string[] Reasons,
    string PolicyVersion,
    long? ConsentVersion,
    string? UserHash,
    string? DeviceHash)
{
    public static DecisionAuditRecord Of(in EvaluationQuestion question, string proxy, in DecisionRecord record, SubjectPseudonyms pseudonyms)
    {
        ArgumentNullException.ThrowIfNull(pseudonyms);
        var decision = record.Decision;
        var reasons = new List<string>();
        foreach (var reason in decision.Reasons)
        {
            reasons.Add(reason.ToCode());
        }

        return new DecisionAuditRecord(
            record.Id,
            decision.Outcome.ToName(),
            proxy,
            question.PartnerId,
            question.ViaId,
            decision.Partnership?.Id,
            NamesOf(decision.Policy, question.Request.Data),
            NamesOf(decision.Policy, decision.Allowed),
            NamesOf(decision.Policy, decision.Denied),
            [.. reasons],
            decision.PolicyVersion,
            decision.ConsentVersion,
            pseudonyms.Subject(question.UserId),
            pseudonyms.Subject(question.DeviceAdId));
    }

    private static string[] NamesOf(CompiledPolicy policy, DataSet items)
    {
        var names = new string[items.Count];
        var i = 0;
        foreach (var item in items)
        {
            names[i++] = policy.DataItems[item];
        }

        return names;
    }
}
