using System.Net.Http.Headers;
using System.Text.Json;
using ConsentGateway.Client;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The step of the YARP pipeline that applies a route's consent rule before the request is
/// forwarded: classify the JSON body, ask the gateway about the data items it carries, then
/// forward it unchanged (allow), forward it without the denied fields (partial), or refuse it
/// (deny: 403; gateway unavailable: 503; the gateway refused the question, so the rule is wrong:
/// 500). Unclassified fields are removed on strict routes.
/// </summary>
internal sealed class ConsentEnforcement(
    IConsentGatewayClient gateway,
    ConsentRoutes routes,
    IOptions<ConsentProxyOptions> options,
    EgressProxyMetrics metrics,
    ILogger<ConsentEnforcement> logger)
{
    // The gateway's refusals that are about the request's subject, not the route's rule.
    private static readonly string[] SubjectProblems = [ProblemCodes.InvalidUserId, ProblemCodes.InvalidDeviceId, ProblemCodes.InvalidCountry];

    // The gateway's refusals of the caller's consistency token: the caller's to fix, answered with the gateway's code.
    private static readonly string[] TokenProblems = [ProblemCodes.MalformedConsistencyToken, ProblemCodes.ForgedConsistencyToken];

    private readonly long _maxBodyBytes = options.Value.MaxBodyBytes;
    private readonly string _tokenHeader = options.Value.ConsistencyTokenHeader;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var routeId = context.GetReverseProxyFeature().Route.Config.RouteId;
        if (!routes.TryGet(routeId, out var route))
        {
            EgressProxyLog.NoConsentRule(logger, routeId);
            await ProxyProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, ProxyProblemCodes.NoConsentRule,
                "The route has no consent rule; nothing is forwarded on it.");
            return;
        }

        using var activity = EgressProxyTelemetry.Source.StartActivity(EgressProxyTelemetry.Forward);
        var outcome = await EnforceAsync(context, route);
        activity?.SetTag(EgressProxyTelemetry.RouteAttribute, route.RouteId).SetTag(EgressProxyTelemetry.OutcomeAttribute, outcome.ToString());
        metrics.Request(route.RouteId, outcome);
        if (outcome is EgressOutcome.Forwarded or EgressOutcome.Redacted)
        {
            await next();
        }
    }

    private async Task<EgressOutcome> EnforceAsync(HttpContext context, ConsentRoute route)
    {
        var request = context.Request;

        // Read before any header is stripped: the default name is an X-Consent-* one. It goes to the
        // gateway only, whatever its name.
        var tokens = request.Headers[_tokenHeader];
        request.Headers.Remove(_tokenHeader);
        StripConsentHeaders(request.Headers);
        var answerHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        context.Response.OnStarting(() =>
        {
            // After YARP copied the partner's headers: only the proxy speaks X-Consent-* to the caller.
            StripConsentHeaders(context.Response.Headers);
            foreach (var (name, value) in answerHeaders)
            {
                context.Response.Headers[name] = value;
            }

            return Task.CompletedTask;
        });

        // Repeated lines, or one line joining values with commas (the same, in HTTP): a token has no comma.
        if (tokens.ToString().Contains(',', StringComparison.Ordinal))
        {
            return await RejectAsync(context, route, StatusCodes.Status400BadRequest, ProblemCodes.RepeatedHeader, $"{_tokenHeader} must be given at most once.");
        }

        if (await RequestBodyBuffer.ReadAsync(request, _maxBodyBytes, context.RequestAborted) is not { } body)
        {
            return await RejectAsync(context, route, StatusCodes.Status413PayloadTooLarge, ProblemCodes.BodyTooLarge, $"The body is larger than {_maxBodyBytes} bytes.");
        }

        var (classified, refusal) = Classify(request, body, route);
        if (refusal is { } bad)
        {
            return await RejectAsync(context, route, bad.Status, bad.Code, bad.Detail);
        }

        if (ReadSubject(request, route, classified) is not { } subject)
        {
            return await RejectInvalidSubjectAsync(context, route);
        }

        foreach (var header in route.SourceHeaders)
        {
            request.Headers.Remove(header);
        }

        var dataItems = classified?.DataItems ?? [];
        var removed = new List<string>();
        var unclassifiedRemoved = 0;
        if (classified is not null && route.Strict)
        {
            removed.AddRange(ClassifiedBody.Remove(classified.Unclassified));
            unclassifiedRemoved = removed.Count;
            metrics.Removed(route.RouteId, "unclassified", unclassifiedRemoved);
        }

        ConsentResult? result = null;
        if (dataItems.Count > 0)
        {
            if (subject.UserId is null && subject.DeviceAdId is null)
            {
                return await RejectAsync(context, route, StatusCodes.Status400BadRequest, ProblemCodes.MissingSubject,
                    $"The body carries data about a subject but names none ({Describe(route)}).");
            }

            result = await gateway.EvaluateAsync(
                new ConsentQuestion
                {
                    Partner = route.Partner,
                    Via = route.Via,
                    UserId = subject.UserId,
                    DeviceAdId = subject.DeviceAdId,
                    Country = subject.Country,
                    Data = [.. dataItems],
                    AtLeastAsFresh = string.IsNullOrEmpty(tokens) ? null : tokens.ToString(),
                },
                context.RequestAborted);

            // Refused questions got no decision: their answers carry none.
            if (result.GatewayRefusal is { } gatewayRefusal)
            {
                return SubjectProblems.Contains(gatewayRefusal.Code, StringComparer.Ordinal) ? await RejectInvalidSubjectAsync(context, route)
                    : TokenProblems.Contains(gatewayRefusal.Code, StringComparer.Ordinal) ? await RejectAsync(context, route, StatusCodes.Status400BadRequest, gatewayRefusal.Code!,
                        $"The gateway does not accept the consistency token in {_tokenHeader}: pass back the token a write answered, unchanged.")
                    : await MisconfiguredAsync(context, route, gatewayRefusal);
            }

            answerHeaders[ConsentHeaders.Decision] = result.Decision;
            if (result.DecisionId is { } decisionId)
            {
                answerHeaders[ConsentHeaders.DecisionId] = decisionId.ToString();
            }

            if (result.IsGatewayUnavailable)
            {
                await WriteRefusalAsync(context, route, StatusCodes.Status503ServiceUnavailable, ProxyProblemCodes.GatewayUnavailable,
                    "The consent gateway could not be asked; nothing is forwarded (fail closed).", result);
                return EgressOutcome.GatewayUnavailable;
            }

            if (result.Allowed.Count == 0)
            {
                await WriteRefusalAsync(context, route, StatusCodes.Status403Forbidden, ProxyProblemCodes.ConsentDenied,
                    $"None of the data may go to {route.Partner}.", result);
                return EgressOutcome.Denied;
            }

            // Whatever the gateway did not allow goes, not only what it listed as denied.
            var denied = dataItems.Where(item => !result.IsAllowed(item)).SelectMany(classified!.FieldsOf).ToList();
            removed.AddRange(ClassifiedBody.Remove(denied));
            metrics.Removed(route.RouteId, "denied", denied.Count);
            if (route.ForwardedHeaders.ForwardsDecisionId)
            {
                request.Headers[ConsentHeaders.DecisionId] = result.DecisionId?.ToString();
            }
        }

        if (removed.Count > 0)
        {
            body = classified!.ToUtf8();
            answerHeaders[ConsentHeaders.Removed] = string.Join(',', removed);
        }

        RequestBodyBuffer.Replace(request, body);
        EgressProxyLog.Forwarded(logger, route.RouteId, result?.Decision ?? "none", result?.DecisionId, removed.Count - unclassifiedRemoved, unclassifiedRemoved);
        return removed.Count > 0 ? EgressOutcome.Redacted : EgressOutcome.Forwarded;
    }

    private sealed record Refusal(int Status, string Code, string Detail);

    /// <summary>The body classified by the route's rules (null when there is none), or why it cannot be.</summary>
    private static (ClassifiedBody? Body, Refusal? Refusal) Classify(HttpRequest request, ReadOnlyMemory<byte> body, ConsentRoute route)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        if (request.Headers.ContentEncoding is { Count: > 0 } encoding && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new Refusal(StatusCodes.Status415UnsupportedMediaType, ProxyProblemCodes.UnsupportedContentEncoding,
                "The proxy reads uncompressed bodies only; send the body without Content-Encoding."));
        }

        if (!IsJson(request.ContentType))
        {
            return (null, new Refusal(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "The proxy classifies JSON bodies only (application/json or +json); other bodies are not forwarded."));
        }

        try
        {
            return ClassifiedBody.Parse(body, route.Fields) is { } classified
                ? (classified, null)
                : (null, new Refusal(StatusCodes.Status400BadRequest, ProxyProblemCodes.UnclassifiableBody, "The body must be a JSON object or array."));
        }
        catch (JsonException)
        {
            return (null, new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.MalformedJson, "The body is not well-formed JSON (or repeats a property)."));
        }
    }

    private readonly record struct Subject(string? UserId, string? DeviceAdId, string? Country);

    private static Subject? ReadSubject(HttpRequest request, ConsentRoute route, ClassifiedBody? body)
    {
        string? userId = null, deviceAdId = null, country = null;
        var root = body?.Root;
        if ((route.UserId is not null && (!route.UserId.TryRead(request, root, out userId) || (userId is not null && !SubjectIds.IsValid(userId))))
            || (route.DeviceAdId is not null && (!route.DeviceAdId.TryRead(request, root, out deviceAdId) || (deviceAdId is not null && !SubjectIds.IsValid(deviceAdId))))
            || (route.Country is not null && (!route.Country.TryRead(request, root, out country) || (country is not null && !IsCountryCode(country)))))
        {
            return null;
        }

        return new Subject(userId, deviceAdId, country);
    }

    // The shape of an ISO 3166-1 alpha-2 code; whether it is an assigned one the gateway checks
    // (invalid-country, answered as invalid-subject too).
    private static bool IsCountryCode(string country) =>
        country.Length == 2 && char.IsAsciiLetterUpper(country[0]) && char.IsAsciiLetterUpper(country[1]);

    private static string Describe(ConsentRoute route) =>
        string.Join(", ", new[] { ("user id", route.UserId), ("device id", route.DeviceAdId), ("country", route.Country) }
            .Where(source => source.Item2 is not null)
            .Select(source => $"{source.Item1}: {source.Item2!.Describe()}"));

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static void StripConsentHeaders(IHeaderDictionary headers)
    {
        foreach (var name in headers.Keys.Where(name => name.StartsWith(ConsentHeaders.Prefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(name);
        }
    }

    private async Task<EgressOutcome> RejectAsync(HttpContext context, ConsentRoute route, int status, string code, string detail)
    {
        EgressProxyLog.Refused(logger, route.RouteId, status, code, null);
        await ProxyProblems.WriteAsync(context, status, code, detail);
        return EgressOutcome.Rejected;
    }

    private Task<EgressOutcome> RejectInvalidSubjectAsync(HttpContext context, ConsentRoute route) =>
        RejectAsync(context, route, StatusCodes.Status400BadRequest, ProxyProblemCodes.InvalidSubject,
            $"The subject must be one valid id per source ({Describe(route)}); the country, when given, an ISO 3166-1 alpha-2 code.");

    /// <summary>The gateway refused the route's question as invalid: the rule (or the key) is wrong, not the request.</summary>
    private async Task<EgressOutcome> MisconfiguredAsync(HttpContext context, ConsentRoute route, GatewayRefusal refusal)
    {
        EgressProxyLog.MisconfiguredRule(logger, route.RouteId, refusal.Status, refusal.Code);
        await ProxyProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, ProxyProblemCodes.MisconfiguredRule,
            $"The consent gateway refused this route's question ({refusal.Status} {refusal.Code}): the rule {route.Setting} names what the gateway does not accept; nothing is forwarded.");
        return EgressOutcome.Misconfigured;
    }

    private async Task WriteRefusalAsync(HttpContext context, ConsentRoute route, int status, string code, string detail, ConsentResult result)
    {
        EgressProxyLog.Refused(logger, route.RouteId, status, code, result.DecisionId);
        var members = new Dictionary<string, object?>
        {
            ["partner"] = route.Partner,
            ["decision"] = result.Decision,
            ["reasons"] = result.Reasons,
            ["denied"] = result.Denied.Select(denial => new DenialResponse(denial.Data, denial.Reason)).ToList(),
        };
        if (result.DecisionId is { } decisionId)
        {
            members["policyVersion"] = result.PolicyVersion;
            members["decisionId"] = decisionId;
        }

        await ProxyProblems.WriteAsync(context, status, code, detail, members);
    }
}
