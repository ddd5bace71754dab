using System.Text.RegularExpressions;
using ConsentGateway.Core.Evaluation;

namespace ConsentGateway.Core.Tests;

/// <summary>Core's enums are named on the wire by the Contracts catalogs, each value by its own name.</summary>
public class WireNamesTests
{
    [Fact]
    public void Each_reason_code_is_named_by_its_own_name_in_screaming_snake_case()
    {
        Assert.All(Enum.GetValues<ReasonCode>(), reason =>
            Assert.Equal(Regex.Replace(reason.ToString(), "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant(), reason.ToCode()));
    }

    [Fact]
    public void Each_decision_outcome_is_named_by_its_own_name_in_lower_case()
    {
        Assert.All(Enum.GetValues<DecisionOutcome>(), outcome => Assert.Equal(outcome.ToString().ToLowerInvariant(), outcome.ToName()));
    }
}
