using ConsentGateway.Contracts;

namespace ConsentGateway.Core.Evaluation;

/// <summary>The wire names of <see cref="DecisionOutcome"/>s: <see cref="Decisions.All"/>, in the enum's order.</summary>
public static class DecisionOutcomeNames
{
    // An array, not the catalog's list: /check names every decision, and an array index is the cheapest lookup.
    private static readonly string[] Names = [.. Decisions.All];

    /// <summary><c>allow</c>, <c>partial</c> or <c>deny</c>.</summary>
    public static string ToName(this DecisionOutcome outcome) => Names[(int)outcome];
}
