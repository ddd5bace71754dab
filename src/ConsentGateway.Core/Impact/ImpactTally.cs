using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Core.Impact;

/// <summary>The flips counted so far: one entry per kind of flip, with a few examples each.</summary>
internal sealed class ImpactTally(CompiledPolicy current, CompiledPolicy candidate, IReadOnlyList<ImpactQuestion> questions, Func<string, string> pseudonym)
{
    public const int ExamplesPerRow = 3;

    private const string Elsewhere = "elsewhere";
    private const string NoAccount = "no account";

    private readonly Dictionary<Key, Entry> _entries = [];

    public void Account(AccountProjection account)
    {
        var lookup = AccountLookup.Of(account);
        var region = lookup.Status == LookupStatus.Found ? RegionOf(account.Country) : Elsewhere;
        Compare(SubjectKind.Account, account.UserId, region, SubjectFacts.ForUser(lookup));
    }

    public void Device(DeviceProjection device, IReadOnlyDictionary<string, Stored<AccountProjection>> accounts, int maxAccounts)
    {
        if (!device.IsWithin(maxAccounts))
        {
            Compare(SubjectKind.Device, device.AdId, NoAccount, SubjectFacts.ForDevice(LookupStatus.TooManyLinkedAccounts, default));
            return;
        }

        var linked = new AccountLookup[device.LinkedUserIds.Count];
        var regions = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < linked.Length; i++)
        {
            linked[i] = accounts.TryGetValue(device.LinkedUserIds[i], out var row) ? AccountLookup.Of(row.Value) : AccountLookup.NotFound;
            regions.Add(linked[i].Status == LookupStatus.Found ? RegionOf(linked[i].Facts.Country) : Elsewhere);
        }

        Compare(SubjectKind.Device, device.AdId, regions.Count == 0 ? NoAccount : string.Join('+', regions), SubjectFacts.ForDevice(LookupStatus.Found, linked));
    }

    public IReadOnlyList<ImpactRow> Rows() =>
    [
        .. _entries
            .Select(e => new ImpactRow(e.Key.Change, e.Key.Kind, e.Key.Partnership, e.Key.Partner, e.Key.DataItem, e.Key.Region, e.Key.From, e.Key.To, e.Value.Count, e.Value.Examples))
            .OrderByDescending(row => row.Count)
            .ThenBy(row => row.Change)
            .ThenBy(row => row.Kind)
            .ThenBy(row => row.Partnership, StringComparer.Ordinal)
            .ThenBy(row => row.Partner, StringComparer.Ordinal)
            .ThenBy(row => row.DataItem, StringComparer.Ordinal)
            .ThenBy(row => row.Region, StringComparer.Ordinal),
    ];

    private void Compare(SubjectKind kind, string id, string region, scoped in SubjectFacts facts)
    {
        foreach (var question in questions)
        {
            var (wasAllowed, from) = Answer(current, question.Current, question.CurrentItem, facts);
            var (isAllowed, to) = Answer(candidate, question.Candidate, question.CandidateItem, facts);
            if (wasAllowed == isAllowed && from == to)
            {
                continue;
            }

            var change = wasAllowed == isAllowed ? ImpactChange.ReasonChange : wasAllowed ? ImpactChange.AllowToDeny : ImpactChange.DenyToAllow;
            var key = new Key(change, kind, question.Partnership, question.Partner, question.DataItem, region, from, to);
            if (!_entries.TryGetValue(key, out var entry))
            {
                _entries[key] = entry = new Entry();
            }

            entry.Count++;
            if (entry.Examples.Count < ExamplesPerRow)
            {
                entry.Examples.Add(pseudonym(id));
            }
        }
    }

    // An item the policy does not know cannot go under it: denied as outside the partnership.
    private static (bool Allowed, ReasonCode Reason) Answer(CompiledPolicy policy, DecisionRequest? request, int item, scoped in SubjectFacts facts)
    {
        if (request is not { } asked)
        {
            return (false, ReasonCode.DataNotInPartnership);
        }

        var decision = PolicyEvaluator.Evaluate(policy, asked, facts);
        return decision.Allowed.Contains(item) ? (true, decision.Reasons.First) : (false, decision.ReasonDenied(item));
    }

    // The candidate's regions, as the switch will place the subject.
    private string RegionOf(CountryCode country)
    {
        var bits = candidate.RegionsOf(country);
        return bits == 0 ? Elsewhere : string.Join('+', candidate.Document.Regions!.Keys.Where((_, i) => (bits & (1u << i)) != 0));
    }

    private readonly record struct Key(ImpactChange Change, SubjectKind Kind, string Partnership, string Partner, string DataItem, string Region, ReasonCode From, ReasonCode To);

    private sealed class Entry
    {
        public long Count { get; set; }

        public List<string> Examples { get; } = new(ExamplesPerRow);
    }
}
