namespace ConsentGateway.Client;

/// <summary>
/// The gateway answered, and refused the call as invalid: a 4xx other than 408 and 429, with the
/// <c>code</c> of its problem (<c>ConsentGateway.Contracts.ProblemCodes</c>) when it sent one.
/// Asking again will not help: the question, the key or the address is wrong.
/// </summary>
public sealed record GatewayRefusal(int Status, string? Code);
