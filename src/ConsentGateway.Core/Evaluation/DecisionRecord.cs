
namespace ConsentGateway.Core.Evaluation;

/// <summary>A decision as answered: the evaluator's result, its id, and how long a proxy may reuse it.</summary>
public readonly record struct DecisionRecord(Decision Decision, Guid Id, int TtlSeconds);
