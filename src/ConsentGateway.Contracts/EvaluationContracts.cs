namespace ConsentGateway.Contracts;

// The bodies of the API for egress proxies.

/// <summary>The subject of an evaluation: a user, a device, or both.</summary>
public sealed record SubjectBody(string? UserId, string? DeviceAdId);

/// <summary>How fresh an answer must be: at least as fresh as the write whose consistency token is <c>atLeastAsFresh</c> (read-your-writes).</summary>
public sealed record ConsistencyBody(string? AtLeastAsFresh);

/// <summary>
/// Body of <c>POST /api/v1/evaluate</c>, and one request of a batch (<c>id</c> is echoed in its
/// result; <c>via</c> is the processor the data goes through, if any; <c>consistency</c> asks for
/// an answer that reflects at least a given write).
/// </summary>
public sealed record EvaluateBody(string? Id, string? Partner, string? Via, SubjectBody? Subject, IReadOnlyList<string>? Data, string? Country, ConsistencyBody? Consistency = null);

/// <summary>Body of <c>POST /api/v1/evaluate/batch</c>.</summary>
public sealed record BatchBody(IReadOnlyList<EvaluateBody>? Requests);

/// <summary>A data item that may not go, and the reason that decided it.</summary>
public sealed record DenialResponse(string Data, string Reason);

/// <summary>
/// The answer of <c>/evaluate</c>, and each result of a batch: the decision (<see cref="Decisions"/>),
/// what may go and what not with its reason (<see cref="ReasonCodes"/>), the versions it was made
/// from, an id for audit, and how long the answer may be reused.
/// </summary>
public sealed record DecisionResponse(
    string? Id,
    string Decision,
    IReadOnlyList<string> Allowed,
    IReadOnlyList<DenialResponse> Denied,
    IReadOnlyList<string> Reasons,
    string? Partnership,
    string PolicyVersion,
    long? ConsentVersion,
    Guid DecisionId,
    int TtlSeconds);

/// <summary>The answer of <c>/evaluate/batch</c>: one result per request, in request order.</summary>
public sealed record BatchResponse(IReadOnlyList<DecisionResponse> Results);
