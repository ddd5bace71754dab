using ConsentGateway.Contracts;
using ConsentGateway.Core.Evaluation;

namespace ConsentGateway.Core.Tests;

/// <summary>Core's enums are named on the wire by the Contracts catalogs.</summary>
public class WireNamesTests
{
    [Fact]
    public void The_reason_codes_name_every_decision_reason_once()
    {
        var names = Enum.GetValues<ReasonCode>().Select(r => r.ToCode()).ToList();
        Assert.Equal(ReasonCodes.Decision.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(ReasonCode.EeaUkSignupBeforeCutoff, "EEA_UK_SIGNUP_BEFORE_CUTOFF")]
    [InlineData(ReasonCode.SettingNotApplicableInRegion, "SETTING_NOT_APPLICABLE_IN_REGION")]
    [InlineData(ReasonCode.StoreUnavailable, "STORE_UNAVAILABLE")]
    public void A_reason_code_is_named_as_the_spec_spells_it(ReasonCode reason, string wire)
    {
        Assert.Equal(wire, reason.ToCode());
    }

    [Theory]
    [InlineData(DecisionOutcome.Allow, "allow")]
    [InlineData(DecisionOutcome.Partial, "partial")]
    [InlineData(DecisionOutcome.Deny, "deny")]
    public void A_decision_outcome_is_named_as_the_spec_spells_it(DecisionOutcome outcome, string wire)
    {
        Assert.Equal(wire, outcome.ToName());
    }
}
