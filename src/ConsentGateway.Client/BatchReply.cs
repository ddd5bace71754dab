namespace ConsentGateway.Client;

/// <summary>A reply of <c>/evaluate/batch</c> as read (<c>ConsentGateway.Contracts.BatchResponse</c>, members optional).</summary>
internal sealed record BatchReply(IReadOnlyList<DecisionReply?>? Results);
