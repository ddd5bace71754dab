namespace ConsentGateway.Core.Changes;

/// <summary>One recorded intent: a change that is about to be, or was, written and is not yet projected.</summary>
public sealed record Intent(string Id, ChangeKind Kind, string Key, DateTimeOffset RecordedAt, string? LinkedUserId);
