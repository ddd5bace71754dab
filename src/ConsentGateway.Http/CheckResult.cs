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
/// 200 or 403 and the decision in headers, no body.
/// </summary>
public sealed class CheckResult : IResult, IEndpointMetadataProvider
{

    /// <summary>
    /// nginx's own cache lifetime header, honoured where it must ignore <c>Cache-Control: private</c>.
    /// nginx counts whole seconds and serves an answer until the end of the second in which it
    /// expires, up to one second late: it is told one second less than the ttl (never below 0).
    /// </summary>
    public const string AccelExpiresHeader = "X-Accel-Expires";

    private static readonly string[] CacheControls = [.. Enumerable.Range(0, 64).Select(CacheControlFor)];
    private static readonly string[] Seconds = [.. Enumerable.Range(0, 64).Select(s => s.ToString(CultureInfo.InvariantCulture))];

    private readonly int _status;
    private readonly string _decision;
    private readonly string _reasons;
    private readonly string? _allowedData;
    private readonly string? _policyVersion;
    private readonly Guid? _decisionId;
    private readonly int? _ttlSeconds;

    private CheckResult(int status, string decision, string reasons, string? allowedData, string? policyVersion, Guid? decisionId, int? ttlSeconds)
    {
        _status = status;
        _decision = decision;
        _reasons = reasons;
        _allowedData = allowedData;
        _policyVersion = policyVersion;
        _decisionId = decisionId;
        _ttlSeconds = ttlSeconds;
    }

    public static CheckResult Of(in DecisionRecord record)
    {
        var decision = record.Decision;
        return new CheckResult(
            decision.Outcome == DecisionOutcome.Allow ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden,
            decision.Outcome.ToName(),
            decision.Reasons.ToCodes(),
            decision.Policy.NamesOf(decision.Allowed),
            decision.PolicyVersion,
            record.Id,
            record.TtlSeconds);
    }

    public static CheckResult Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, Decisions.Deny, ReasonCodes.ProxyUnauthorized, null, null, null, null);

    public static CheckResult NotAllowed() =>
        new(StatusCodes.Status403Forbidden, Decisions.Deny, ReasonCodes.ProxyNotAllowed, null, null, null, null);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        // The empty 401/403 is the answer: no problem body from the status-code-pages middleware.
        if (httpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        var response = httpContext.Response;
        response.StatusCode = _status;
        var headers = response.Headers;
        headers[ConsentHeaders.Decision] = _decision;
        headers[ConsentHeaders.Reason] = _reasons;
        if (_allowedData is not null)
        {
            headers[ConsentHeaders.AllowedData] = _allowedData;
        }

        if (_policyVersion is not null)
        {
            headers[ConsentHeaders.PolicyVersion] = _policyVersion;
        }

        if (_decisionId is { } id)
        {
            headers[ConsentHeaders.DecisionId] = id.ToString();
        }

        // A decision may be reused by this proxy alone, for its ttl; a refusal of the proxy never.
        var ttl = Math.Max(_ttlSeconds ?? 0, 0);
        headers.CacheControl = _ttlSeconds is null ? "no-store" : ttl < CacheControls.Length ? CacheControls[ttl] : CacheControlFor(ttl);
        var nginxTtl = Math.Max(ttl - 1, 0);
        headers[AccelExpiresHeader] = nginxTtl < Seconds.Length ? Seconds[nginxTtl] : nginxTtl.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = 0;
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

    private static string CacheControlFor(int ttl) => string.Create(CultureInfo.InvariantCulture, $"private, max-age={ttl}");
}
