namespace ConsentGateway.Core.Policy;

/// <summary>What a host watches for a new policy document while it runs: the source, read at start and then every <paramref name="Interval"/>.</summary>
public sealed record PolicyWatch(IPolicyDocumentSource Source, TimeSpan Interval);
