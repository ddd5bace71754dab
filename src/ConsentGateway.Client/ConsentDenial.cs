namespace ConsentGateway.Client;

/// <summary>One data item that may not go, and why.</summary>
public sealed record ConsentDenial(string Data, string Reason);
