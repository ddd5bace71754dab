namespace ConsentGateway.Core.Policy;

/// <summary>A candidate document that was not switched to: where it came from, when, and every problem with its field path.</summary>
public sealed record PolicyRefusal(string Source, DateTimeOffset At, IReadOnlyList<string> Errors);
