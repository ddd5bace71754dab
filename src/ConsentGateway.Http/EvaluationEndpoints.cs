using ConsentGateway.Core.Consent;
using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ConsentGateway.Http;

/// <summary>
/// The API for partner egress proxies (SPEC §4), written once for both hosts: authenticate the
/// proxy, read and validate the question, check the proxy serves the partners it names, decide.
/// </summary>
public sealed class EvaluationEndpoints(DecisionService decisions, ProxyAuthenticator proxies, DecisionJson json)
{
    public const int MaxBatchRequests = 1000;

    /// <summary>A batch's body: 1,000 requests with ids of the longest length allowed fit.</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    public const string PartnerHeader = "X-Consent-Partner";
    public const string ViaHeader = "X-Consent-Via";
    public const string UserHeader = "X-Consent-User";
    public const string DeviceHeader = "X-Consent-Device";
    public const string DataHeader = "X-Consent-Data";
    public const string CountryHeader = "X-Consent-Country";

    private const int MaxCallerIdLength = 256;

    public async Task<IResult> EvaluateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (proxies.Authenticate(context.Request.Headers[ProxyAuthenticator.KeyHeader]) is not { } proxy)
        {
            return ProxyUnauthorized();
        }

        var (body, problem) = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.EvaluateBody).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var question = Question(body!, where: "The request");
        if (question.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        if (!MayAsk(proxy, question.Value))
        {
            return ProxyNotAllowed();
        }

        return json.One(await decisions.DecideAsync(question.Value, context.RequestAborted).ConfigureAwait(false), body!.Id);
    }

    public async Task<IResult> EvaluateBatchAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (proxies.Authenticate(context.Request.Headers[ProxyAuthenticator.KeyHeader]) is not { } proxy)
        {
            return ProxyUnauthorized();
        }

        var (body, problem) = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.BatchBody, MaxBatchBytes).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var requests = body!.Requests;
        if (requests is null || requests.Count == 0)
        {
            return Problems.From(Failure.Invalid("empty-batch", "A batch needs at least one request in \"requests\"."));
        }

        if (requests.Count > MaxBatchRequests)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "batch-too-large", $"A batch holds at most {MaxBatchRequests} requests; this one has {requests.Count}.");
        }

        var questions = new EvaluationQuestion[requests.Count];
        var ids = new string?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var question = requests[i] is { } request ? Question(request, where: $"requests[{i}]") : Failure.Invalid("missing-request", $"requests[{i}] is null.");
            if (question.Failure is { } failure)
            {
                return Problems.From(failure);
            }

            if (!MayAsk(proxy, question.Value))
            {
                return ProxyNotAllowed();
            }

            questions[i] = question.Value;
            ids[i] = requests[i].Id;
        }

        return json.Batch(await decisions.DecideManyAsync(questions, context.RequestAborted).ConfigureAwait(false), ids);
    }

    public async ValueTask<IResult> CheckAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        if (proxies.Authenticate(headers[ProxyAuthenticator.KeyHeader]) is not { } proxy)
        {
            return CheckResult.Unauthorized();
        }

        if (FindRepeated(headers) is { } repeated)
        {
            return Problems.From(Failure.Invalid("repeated-header", $"{repeated} must be given at most once."));
        }

        var policy = decisions.Policy;
        var question = EvaluationQuestion.Create(
            policy,
            partner: Single(headers[PartnerHeader]),
            via: Single(headers[ViaHeader]),
            userId: Single(headers[UserHeader]),
            deviceAdId: Single(headers[DeviceHeader]),
            EvaluationQuestion.ParseDataList(policy, Single(headers[DataHeader])),
            country: Single(headers[CountryHeader]));
        if (question.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        if (!MayAsk(proxy, question.Value))
        {
            return CheckResult.NotAllowed();
        }

        return CheckResult.Of(await decisions.DecideAsync(question.Value, context.RequestAborted).ConfigureAwait(false));
    }

    private Outcome<EvaluationQuestion> Question(EvaluateBody body, string where)
    {
        if (body.Id is { Length: > MaxCallerIdLength })
        {
            return Failure.Invalid("invalid-request-id", $"{where}: \"id\" is at most {MaxCallerIdLength} characters.");
        }

        var policy = decisions.Policy;
        var question = EvaluationQuestion.Create(
            policy, body.Partner, body.Via, body.Subject?.UserId, body.Subject?.DeviceAdId, EvaluationQuestion.ParseData(policy, body.Data), body.Country);
        return question.Failure is { } failure ? failure with { Detail = $"{where}: {failure.Detail}" } : question;
    }

    // A proxy asks only about the partners it serves: the recipient, and the processor it goes through.
    private static bool MayAsk(Proxy proxy, in EvaluationQuestion question) =>
        proxy.MayAskAbout(question.PartnerId) && (question.ViaId is null || proxy.MayAskAbout(question.ViaId));

    // An empty header is no header: nginx sends an empty value for a variable that is not set.
    private static string? Single(StringValues values) => values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static string? FindRepeated(IHeaderDictionary headers)
    {
        foreach (var name in (ReadOnlySpan<string>)[PartnerHeader, ViaHeader, UserHeader, DeviceHeader, DataHeader, CountryHeader])
        {
            if (headers[name].Count > 1)
            {
                return name;
            }
        }

        return null;
    }

    private static IResult ProxyUnauthorized() =>
        Problems.Create(StatusCodes.Status401Unauthorized, "proxy-unauthorized", $"A valid {ProxyAuthenticator.KeyHeader} of a configured egress proxy is required.");

    private static IResult ProxyNotAllowed() =>
        Problems.Create(StatusCodes.Status403Forbidden, "proxy-not-allowed", "This proxy may not ask about that partner (Consent:Proxies:<name>:Partners).");
}
