using System.Globalization;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ConsentGateway.Http;

/// <summary>
/// The answer of <c>/api/v1/check</c> to nginx <c>auth_request</c> and Envoy <c>ext_authz</c>:
/// 200 or 403 and the decision in headers, no body. The headers are written straight into the
/// response (<see cref="WriteDecision"/>, <see cref="WriteUnauthorized"/>, <see cref="WriteNotAllowed"/>)
/// from strings made once, so a warm check allocates only its decision id; the result returned is
/// the one <see cref="Written"/> instance, which declares these answers' metadata and, like
/// <c>Results.Empty</c> after a handler that wrote its own response, has nothing left to write.
/// </summary>
public sealed class CheckResult : IResult, IEndpointMetadataProvider
{
    /// <summary>
    /// nginx's own cache lifetime header, honoured where it must ignore <c>Cache-Control: private</c>.
    /// nginx counts whole seconds and serves an answer until the end of the second in which it
    /// expires, up to one second late: it is told one second less than the ttl (never below 0).
    /// </summary>
    public const string AccelExpiresHeader = "X-Accel-Expires";

    // A ttl is at most the decision budget, which is at most half the longest staleness bound (1 h).
    private const int MaxTtlSeconds = 1800;

    // Filled as ttls are first answered. Two threads may both make one value: equal immutable
    // strings, either of which may stay.
    private static readonly string?[] CacheControls = new string?[MaxTtlSeconds + 1];
    private static readonly string?[] AccelExpiresValues = new string?[MaxTtlSeconds + 1];

    private CheckResult()
    {
    }

    /// <summary>The result of every check: its answer is already in the response.</summary>
    public static CheckResult Written { get; } = new();

    /// <summary>The decision: 200 (allow) or 403 (partial, deny), reusable by this proxy for its ttl.</summary>
    public static void WriteDecision(HttpContext context, in DecisionRecord record)
    {
        var decision = record.Decision;
        var headers = WriteStart(
            context,
            decision.Outcome == DecisionOutcome.Allow ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden,
            decision.Outcome.ToName(),
            decision.Reasons.ToCodes());
        headers[ConsentHeaders.AllowedData] = decision.Policy.NamesOf(decision.Allowed);
        headers[ConsentHeaders.PolicyVersion] = decision.PolicyVersion;

        // The one string a check allocates: unique per decision, and a header value can only be a string.
        headers[ConsentHeaders.DecisionId] = record.Id.ToString();

        // A decision may be reused by this proxy alone, for its ttl.
        var ttl = Math.Max(record.TtlSeconds, 0);
        headers.CacheControl = CacheControlFor(ttl);
        headers[AccelExpiresHeader] = AccelExpiresFor(ttl);
    }

    /// <summary>401: no key of a configured proxy.</summary>
    public static void WriteUnauthorized(HttpContext context)
    {
        WriteRefusal(context, StatusCodes.Status401Unauthorized, ReasonCodes.ProxyUnauthorized);
        AuthenticationChallenges.ChallengeProxyKey(context);
    }

    /// <summary>403: the proxy may not ask about that partner.</summary>
    public static void WriteNotAllowed(HttpContext context) =>
        WriteRefusal(context, StatusCodes.Status403Forbidden, ReasonCodes.ProxyNotAllowed);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return Task.CompletedTask;
    }

    // 200 and 403 carry the decision in headers (401: no proxy key); none has a body.
    static void IEndpointMetadataProvider.PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in (int[])[StatusCodes.Status200OK, StatusCodes.Status403Forbidden, StatusCodes.Status401Unauthorized])
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(void), []));
        }
    }

    // A refusal of the proxy is never reused.
    private static void WriteRefusal(HttpContext context, int status, string reason)
    {
        var headers = WriteStart(context, status, Decisions.Deny, reason);
        headers.CacheControl = "no-store";
        headers[AccelExpiresHeader] = AccelExpiresFor(0);
    }

    private static IHeaderDictionary WriteStart(HttpContext context, int status, string decision, string reasons)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The empty 401/403 is the answer: no problem body from the status-code-pages middleware.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        var response = context.Response;
        response.StatusCode = status;
        response.ContentLength = 0;
        var headers = response.Headers;
        headers[ConsentHeaders.Decision] = decision;
        headers[ConsentHeaders.Reason] = reasons;
        return headers;
    }

    private static string CacheControlFor(int ttl) =>
        Cached(CacheControls, ttl, static s => string.Create(CultureInfo.InvariantCulture, $"private, max-age={s}"));

    private static string AccelExpiresFor(int ttl) =>
        Cached(AccelExpiresValues, Math.Max(ttl - 1, 0), static s => s.ToString(CultureInfo.InvariantCulture));

    private static string Cached(string?[] values, int seconds, Func<int, string> format) =>
        seconds < values.Length ? values[seconds] ??= format(seconds) : format(seconds);
}
