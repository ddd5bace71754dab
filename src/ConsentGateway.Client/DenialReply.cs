namespace ConsentGateway.Client;

/// <summary>A denial of a <see cref="DecisionReply"/> as read (<c>ConsentGateway.Contracts.DenialResponse</c>, members optional).</summary>
internal sealed record DenialReply(string? Data, string? Reason);
