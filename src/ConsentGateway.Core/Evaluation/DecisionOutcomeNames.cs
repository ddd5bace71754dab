using ConsentGateway.Contracts;

namespace ConsentGateway.Core.Evaluation;

/// <summary>The wire names of <see cref="DecisionOutcome"/>s: <see cref="Decisions.All"/>, in the enum's order.</summary>
public static class DecisionOutcomeNames
{
    /// <summary><c>allow</c>, <c>partial</c> or <c>deny</c>.</summary>
    public static string ToName(this DecisionOutcome outcome) => Decisions.All[(int)outcome];
}
