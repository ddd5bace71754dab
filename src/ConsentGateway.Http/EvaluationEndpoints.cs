using ConsentGateway.Contracts;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsentGateway.Http;

/// <summary>
/// The API for partner egress proxies (SPEC §4), written once for both hosts: authenticate the
/// proxy, read and validate the question, check the proxy serves the partners it names, decide.
/// </summary>
public sealed class EvaluationEndpoints(DecisionService decisions, ReadLanes lanes, ProxyAuthenticator proxies, DecisionJson json, ConsistencyTokens tokens)
{
    public const int MaxBatchRequests = 1000;

    /// <summary>A batch's body: 1,000 requests with ids of the longest length allowed fit.</summary>
    public const int MaxBatchBytes = 1024 * 1024;


    /// <summary>The longest caller id a request may carry (echoed in its result).</summary>
    public const int MaxCallerIdLength = 256;

    // A check's answer is written into the response at once, so one result serves every check.
    private static readonly Results<CheckResult, ProblemHttpResult> Checked = CheckResult.Written;

    public async Task<Results<DecisionJsonResult<DecisionResponse>, ProblemHttpResult>> EvaluateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (proxies.Authenticate(context) is not { } proxy)
        {
            return ProxyUnauthorized(context);
        }

        var policy = decisions.Policy;
        var (asked, problem) = await JsonRequestBody.ReadAsync(context.Request, JsonRequestBody.MaxBytes, body => Parsed(EvaluationBodies.ReadOne(body, policy, tokens))).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!MayAsk(proxy, asked.Question))
        {
            return ProxyNotAllowed();
        }

        return json.One(await decisions.DecideAsync(asked.Question, lanes.For(proxy.Name), context.RequestAborted).ConfigureAwait(false), asked.Id);
    }

    public async Task<Results<DecisionJsonResult<BatchResponse>, ProblemHttpResult>> EvaluateBatchAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (proxies.Authenticate(context) is not { } proxy)
        {
            return ProxyUnauthorized(context);
        }

        var policy = decisions.Policy;
        var (asked, problem) = await JsonRequestBody.ReadAsync(context.Request, MaxBatchBytes, body => Parsed(EvaluationBodies.ReadBatch(body, policy, tokens, MaxBatchRequests))).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        foreach (var question in asked!)
        {
            if (!MayAsk(proxy, question.Question))
            {
                return ProxyNotAllowed();
            }
        }

        return json.Batch(await decisions.DecideManyAsync(new Questions(asked), lanes.ForBatches(proxy.Name), context.RequestAborted).ConfigureAwait(false), asked);
    }

    public async ValueTask<Results<CheckResult, ProblemHttpResult>> CheckAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        if (proxies.Authenticate(context) is not { } proxy)
        {
            CheckResult.WriteUnauthorized(context);
            return Checked;
        }

        if (!TrySingle(headers, ConsentHeaders.Partner, out var partner, out var problem)
            || !TrySingle(headers, ConsentHeaders.Via, out var via, out problem)
            || !TrySingle(headers, ConsentHeaders.User, out var userId, out problem)
            || !TrySingle(headers, ConsentHeaders.Device, out var deviceAdId, out problem)
            || !TrySingle(headers, ConsentHeaders.Data, out var data, out problem)
            || !TrySingle(headers, ConsentHeaders.Country, out var country, out problem)
            || !TrySingle(headers, ConsentHeaders.AtLeastAsFresh, out var freshness, out problem))
        {
            return problem;
        }

        var policy = decisions.Policy;
        var question = Freshness.Demand(tokens, EvaluationQuestion.Create(policy, partner, via, userId, deviceAdId, EvaluationQuestion.ParseDataList(policy, data), country), freshness);
        if (question.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        if (!MayAsk(proxy, question.Value))
        {
            CheckResult.WriteNotAllowed(context);
            return Checked;
        }

        CheckResult.WriteDecision(context, await decisions.DecideAsync(question.Value, lanes.For(proxy.Name), context.RequestAborted).ConfigureAwait(false));
        return Checked;
    }

    /// <summary>The questions of a batch as they were read, without copying them.</summary>
    private sealed class Questions(BodyQuestion[] asked) : IReadOnlyList<EvaluationQuestion>
    {
        public int Count => asked.Length;

        public EvaluationQuestion this[int index] => asked[index].Question;

        public IEnumerator<EvaluationQuestion> GetEnumerator() => asked.Select(a => a.Question).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static (T Value, ProblemHttpResult? Problem) Parsed<T>(Outcome<T> outcome) =>
        outcome.Failure is not { } failure ? (outcome.Value!, null)
        : failure.Code == EvaluationBodies.TooManyCode ? (default!, Problems.Create(StatusCodes.Status413PayloadTooLarge, failure.Code, failure.Detail))
        : (default!, Problems.From(failure));

    // A proxy asks only about the partners it serves: the recipient, and the processor it goes through.
    private static bool MayAsk(Proxy proxy, in EvaluationQuestion question) =>
        proxy.MayAskAbout(question.PartnerId) && (question.ViaId is null || proxy.MayAskAbout(question.ViaId));

    /// <summary>A header's one value; an empty one is no header (a proxy may send an unset variable as empty). Twice is a 400.</summary>
    private static bool TrySingle(IHeaderDictionary headers, string name, out string? value, out ProblemHttpResult problem)
    {
        var values = headers[name];
        if (values.Count > 1)
        {
            (value, problem) = (null, Problems.From(Failure.Invalid(ProblemCodes.RepeatedHeader, $"{name} must be given at most once.")));
            return false;
        }

        (value, problem) = (values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null, null!);
        return true;
    }

    private static ProblemHttpResult ProxyUnauthorized(HttpContext context)
    {
        AuthenticationChallenges.ChallengeProxyKey(context);
        return Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.ProxyUnauthorized, $"A valid {ConsentHeaders.Key} of a configured egress proxy is required.");
    }

    private static ProblemHttpResult ProxyNotAllowed() =>
        Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.ProxyNotAllowed, "This proxy may not ask about that partner (Consent:Proxies:<name>:Partners).");
}
