using System.Globalization;
using System.Text.Json;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

/// <summary>
/// Writes decisions as the API answers them, straight into the response with a
/// <see cref="Utf8JsonWriter"/> and names encoded once: a batch of 1,000 is one pass, no DTOs.
/// </summary>
public sealed class DecisionJson(CompiledPolicy policy)
{
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText DecisionName = JsonEncodedText.Encode("decision");
    private static readonly JsonEncodedText Allowed = JsonEncodedText.Encode("allowed");
    private static readonly JsonEncodedText Denied = JsonEncodedText.Encode("denied");
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText Reasons = JsonEncodedText.Encode("reasons");
    private static readonly JsonEncodedText Partnership = JsonEncodedText.Encode("partnership");
    private static readonly JsonEncodedText PolicyVersion = JsonEncodedText.Encode("policyVersion");
    private static readonly JsonEncodedText ConsentVersion = JsonEncodedText.Encode("consentVersion");
    private static readonly JsonEncodedText DecisionId = JsonEncodedText.Encode("decisionId");
    private static readonly JsonEncodedText TtlSeconds = JsonEncodedText.Encode("ttlSeconds");
    private static readonly JsonEncodedText Results = JsonEncodedText.Encode("results");
    private static readonly JsonEncodedText[] Outcomes = [.. Enum.GetValues<DecisionOutcome>().Select(o => JsonEncodedText.Encode(o.ToName()))];
    private static readonly JsonEncodedText[] ReasonCodes = [.. ReasonCodeNames.All.Select(r => JsonEncodedText.Encode(r.ToCode()))];

    private readonly JsonEncodedText[] _dataItems = [.. policy.DataItems.Select(name => JsonEncodedText.Encode(name))];

    public IResult One(DecisionRecord record, string? id) => new JsonResult(this, [record], [new BodyQuestion(default, id)], batch: false);

    /// <summary>The results of a batch, each with the id of the request at its index.</summary>
    public IResult Batch(DecisionRecord[] records, BodyQuestion[] requests) => new JsonResult(this, records, requests, batch: true);

    private void Write(Utf8JsonWriter writer, in DecisionRecord record, string? id)
    {
        var decision = record.Decision;
        writer.WriteStartObject();
        if (id is not null)
        {
            writer.WriteString(Id, id);
        }

        writer.WriteString(DecisionName, Outcomes[(int)decision.Outcome]);
        writer.WriteStartArray(Allowed);
        foreach (var item in decision.Allowed)
        {
            writer.WriteStringValue(_dataItems[item]);
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Denied);
        foreach (var item in decision.Denied)
        {
            writer.WriteStartObject();
            writer.WriteString(Data, _dataItems[item]);
            writer.WriteString(Reason, ReasonCodes[(int)decision.ReasonDenied(item)]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Reasons);
        foreach (var reason in decision.Reasons)
        {
            writer.WriteStringValue(ReasonCodes[(int)reason]);
        }

        writer.WriteEndArray();
        writer.WriteString(Partnership, decision.Partnership?.Id);
        writer.WriteString(PolicyVersion, decision.PolicyVersion);
        if (decision.ConsentVersion is { } version)
        {
            writer.WriteNumber(ConsentVersion, version);
        }
        else
        {
            writer.WriteNull(ConsentVersion);
        }

        writer.WriteString(DecisionId, record.Id);
        writer.WriteNumber(TtlSeconds, record.TtlSeconds);
        writer.WriteEndObject();
    }

    private sealed class JsonResult(DecisionJson json, DecisionRecord[] records, BodyQuestion[] requests, bool batch) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            using (var writer = new Utf8JsonWriter(response.BodyWriter))
            {
                if (batch)
                {
                    writer.WriteStartObject();
                    writer.WriteStartArray(Results);
                }

                for (var i = 0; i < records.Length; i++)
                {
                    json.Write(writer, records[i], requests[i].Id);
                }

                if (batch)
                {
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
            }

            await response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The answer of <c>/api/v1/check</c> to nginx <c>auth_request</c> and Envoy <c>ext_authz</c>:
/// 200 or 403 and the decision in headers, no body.
/// </summary>
public sealed class CheckResult : IResult
{
    public const string DecisionHeader = "X-Consent-Decision";
    public const string ReasonHeader = "X-Consent-Reason";
    public const string AllowedDataHeader = "X-Consent-Allowed-Data";
    public const string PolicyVersionHeader = "X-Consent-Policy-Version";
    public const string DecisionIdHeader = "X-Consent-Decision-Id";

    /// <summary>
    /// nginx's own cache lifetime header, honoured where it must ignore <c>Cache-Control: private</c>.
    /// nginx counts whole seconds and serves an answer until the end of the second in which it
    /// expires, up to one second late: it is told one second less than the ttl (never below 0).
    /// </summary>
    public const string AccelExpiresHeader = "X-Accel-Expires";

    /// <summary>Not a decision reason: the proxy may not ask about this partner (SPEC §5, who may do what).</summary>
    public const string ProxyNotAllowed = "PROXY_NOT_ALLOWED";

    /// <summary>Not a decision reason: the request carried no key of a configured proxy.</summary>
    public const string ProxyUnauthorized = "PROXY_UNAUTHORIZED";

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
        new(StatusCodes.Status401Unauthorized, "deny", ProxyUnauthorized, null, null, null, null);

    public static CheckResult NotAllowed() =>
        new(StatusCodes.Status403Forbidden, "deny", ProxyNotAllowed, null, null, null, null);

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
        headers[DecisionHeader] = _decision;
        headers[ReasonHeader] = _reasons;
        if (_allowedData is not null)
        {
            headers[AllowedDataHeader] = _allowedData;
        }

        if (_policyVersion is not null)
        {
            headers[PolicyVersionHeader] = _policyVersion;
        }

        if (_decisionId is { } id)
        {
            headers[DecisionIdHeader] = id.ToString();
        }

        // A decision may be reused by this proxy alone, for its ttl; a refusal of the proxy never.
        var ttl = Math.Max(_ttlSeconds ?? 0, 0);
        headers.CacheControl = _ttlSeconds is null ? "no-store" : ttl < CacheControls.Length ? CacheControls[ttl] : CacheControlFor(ttl);
        var nginxTtl = Math.Max(ttl - 1, 0);
        headers[AccelExpiresHeader] = nginxTtl < Seconds.Length ? Seconds[nginxTtl] : nginxTtl.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static string CacheControlFor(int ttl) => string.Create(CultureInfo.InvariantCulture, $"private, max-age={ttl}");
}
