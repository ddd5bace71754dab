using ConsentGateway.Contracts;

namespace ConsentGateway.Client;

/// <summary>Questions to request bodies, and replies to results when they make sense for the question.</summary>
internal static class ReplyMapping
{
    public static EvaluateBody ToBody(ConsentQuestion question) =>
        new(question.Id, question.Partner, question.Via, new SubjectBody(question.UserId, question.DeviceAdId), question.Data, question.Country,
            question.AtLeastAsFresh is { } token ? new ConsistencyBody(token) : null);

    /// <summary>Maps a reply to a result, or null when the reply does not make sense for the question.</summary>
    public static ConsentResult? ToResult(ConsentQuestion question, DecisionReply? reply)
    {
        if (reply is null
            || reply.Decision is null
            || !Decisions.All.Contains(reply.Decision, StringComparer.Ordinal)
            || reply.Allowed is null
            || reply.Denied is null
            || reply.Reasons is null
            || reply.TtlSeconds is not { } ttl
            || ttl < 0)
        {
            return null;
        }

        var requested = new HashSet<string>(question.Data, StringComparer.Ordinal);
        if (reply.Allowed.Any(item => item is null || !requested.Contains(item))
            || reply.Denied.Any(denial => denial is null || denial.Data is null || denial.Reason is null)
            || reply.Reasons.Any(reason => reason is null))
        {
            return null;
        }

        // Anything requested that the reply neither allows nor denies is not allowed: fail closed.
        if (requested.Any(item => !reply.Allowed.Contains(item, StringComparer.Ordinal)
                                  && !reply.Denied.Any(d => string.Equals(d.Data, item, StringComparison.Ordinal))))
        {
            return null;
        }

        return new ConsentResult
        {
            Decision = reply.Decision,
            Allowed = [.. reply.Allowed],
            Denied = [.. reply.Denied.Select(d => new ConsentDenial(d.Data!, d.Reason!))],
            Reasons = [.. reply.Reasons],
            Partnership = reply.Partnership,
            PolicyVersion = reply.PolicyVersion,
            ConsentVersion = reply.ConsentVersion,
            DecisionId = reply.DecisionId,
            TtlSeconds = ttl,
            Id = question.Id,
        };
    }
}
