using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing;

namespace ConsentGateway.Core.Tests;

public class EvaluationTableTests
{
    private static readonly EvaluationCaseTable Table = EvaluationCaseTable.Instance;

    public static TheoryData<string> CaseNames() => [.. Table.Cases.Select(c => c.Name)];

    [Fact]
    public void The_table_has_at_least_80_distinct_cases_and_uses_every_reason_code()
    {
        Assert.True(Table.Cases.Count >= 80, $"{Table.Cases.Count} cases");
        Assert.Equal(Table.Cases.Count, Table.Cases.Select(c => c.Name).Distinct().Count());

        var used = Table.Cases.SelectMany(c => c.Expect.Reasons.Concat(c.Expect.Denied.Values)).ToHashSet();
        Assert.All(ReasonCodeNames.All, reason => Assert.Contains(reason.ToCode(), used));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decision_matches_the_table(string name)
    {
        var testCase = Table.Cases.Single(c => c.Name == name);
        var policy = Table.Policy;
        var decision = testCase.Evaluate(policy);
        var expected = testCase.Expect;

        Assert.Equal(expected.Decision, decision.Outcome.ToString().ToLowerInvariant());
        Assert.Equal(expected.Allowed.Order(), Names(policy, decision.Allowed).Order());
        Assert.Equal(
            expected.Denied.OrderBy(d => d.Key),
            DeniedWithReasons(policy, decision).OrderBy(d => d.Key));
        Assert.Equal(expected.Reasons.Order(), Codes(decision.Reasons).Order());
        Assert.Equal(expected.Partnership, decision.Partnership?.Id);
        Assert.Equal(expected.ConsentVersion, decision.ConsentVersion);
        Assert.Equal(policy.Version, decision.PolicyVersion);
    }

    private static List<string> Names(Core.Policy.CompiledPolicy policy, DataSet set)
    {
        var names = new List<string>();
        foreach (var item in set)
        {
            names.Add(policy.DataItems[item]);
        }

        return names;
    }

    private static List<KeyValuePair<string, string>> DeniedWithReasons(Core.Policy.CompiledPolicy policy, Decision decision)
    {
        var denied = new List<KeyValuePair<string, string>>();
        foreach (var item in decision.Denied)
        {
            denied.Add(new(policy.DataItems[item], decision.ReasonDenied(item).ToCode()));
        }

        return denied;
    }

    private static List<string> Codes(ReasonSet reasons)
    {
        var codes = new List<string>();
        foreach (var reason in reasons)
        {
            codes.Add(reason.ToCode());
        }

        return codes;
    }
}
