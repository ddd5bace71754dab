namespace ConsentGateway.Core.Policy;

/// <summary>The policy source has not been readable since <paramref name="Since"/> (the first failed read in a row); <paramref name="Reason"/> is the last failure.</summary>
public sealed record PolicySourceFault(string Source, DateTimeOffset Since, string Reason);
