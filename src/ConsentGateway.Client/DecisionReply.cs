namespace ConsentGateway.Client;

/// <summary>
/// A reply of <c>/evaluate</c> as read: the members of <c>ConsentGateway.Contracts.DecisionResponse</c>,
/// every one optional, so that a missing member fails closed (<see cref="ReplyMapping"/>) instead
/// of reading as 0 or an empty id.
/// </summary>
internal sealed record DecisionReply(
    string? Decision,
    IReadOnlyList<string>? Allowed,
    IReadOnlyList<DenialReply>? Denied,
    IReadOnlyList<string>? Reasons,
    string? Partnership,
    string? PolicyVersion,
    long? ConsentVersion,
    Guid? DecisionId,
    int? TtlSeconds,
    string? Id);
