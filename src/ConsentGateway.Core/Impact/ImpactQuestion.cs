using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Impact;

/// <summary>
/// One data item to one partner, asked of both policies: the request each would decide, or
/// <c>null</c> where that policy does not know the item (a proxy asking for it would get a 400).
/// </summary>
internal sealed record ImpactQuestion(string Partner, string DataItem, string Partnership, DecisionRequest? Current, int CurrentItem, DecisionRequest? Candidate, int CandidateItem)
{
    /// <summary>Every item of every partner's partnership, in either policy.</summary>
    public static IReadOnlyList<ImpactQuestion> Of(CompiledPolicy current, CompiledPolicy candidate)
    {
        var questions = new List<ImpactQuestion>();
        var partners = (current.Document.Partners ?? []).Concat(candidate.Document.Partners ?? []).Select(p => p.Id!).Distinct(StringComparer.Ordinal);
        foreach (var partner in partners)
        {
            var items = ItemsOf(current, partner).Concat(ItemsOf(candidate, partner)).Distinct(StringComparer.Ordinal);
            var partnership = PartnershipOf(candidate, partner) ?? PartnershipOf(current, partner)!;
            foreach (var item in items)
            {
                var (currentRequest, currentItem) = Ask(current, partner, item);
                var (candidateRequest, candidateItem) = Ask(candidate, partner, item);
                questions.Add(new ImpactQuestion(partner, item, partnership, currentRequest, currentItem, candidateRequest, candidateItem));
            }
        }

        return questions;
    }

    private static IEnumerable<string> ItemsOf(CompiledPolicy policy, string partner) =>
        policy.TryGetPartner(partner, out var known) ? policy.DataItems.Where((_, i) => known.Partnership.Data.Contains(i)) : [];

    private static string? PartnershipOf(CompiledPolicy policy, string partner) =>
        policy.TryGetPartner(partner, out var known) ? known.Partnership.Id : null;

    private static (DecisionRequest?, int) Ask(CompiledPolicy policy, string partner, string item) =>
        policy.TryGetDataItem(item, out var index)
            ? (new DecisionRequest(policy.ResolvePartner(partner), PartnerRef.None, DataSet.Of(index), default), index)
            : (null, -1);
}
