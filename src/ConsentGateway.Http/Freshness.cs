using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;

namespace ConsentGateway.Http;

/// <summary>Read-your-writes on the evaluation endpoints: a caller's consistency token, read into its question.</summary>
internal static class Freshness
{
    /// <summary>
    /// The question, to be answered at least as fresh as the write <paramref name="token"/> is of;
    /// without a token, the question as it is. A token that does not read fails the question (a 400):
    /// ignoring it would answer from before the write the caller asked to see.
    /// </summary>
    public static Outcome<EvaluationQuestion> Demand(ConsistencyTokens tokens, Outcome<EvaluationQuestion> question, string? token)
    {
        if (token is null || question.Failure is not null)
        {
            return question;
        }

        var parsed = tokens.Parse(token);
        return parsed.Failure is { } failure ? failure : question.Value with { AtLeastAsFresh = parsed.Value };
    }
}
