using System.Net.Http.Headers;
using System.Text.Json;
using ConsentGateway.Client;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The step of the YARP pipeline that applies a route's consent rule before the request is
/// forwarded: classify the JSON body, ask the gateway about the data items it carries, then
/// forward it unchanged (allow), forward it without the denied fields (partial), or refuse it
/// (deny: 403; gateway unavailable: 503). Unclassified fields are removed on strict routes.
/// </summary>
internal sealed class ConsentEnforcement(
    IConsentGatewayClient gateway,
    ConsentRoutes routes,
    IOptions<ConsentProxyOptions> options,
    EgressProxyMetrics metrics,
    ILogger<ConsentEnforcement> logger)
{
    private readonly long _maxBodyBytes = options.Value.MaxBodyBytes;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var routeId = context.GetReverseProxyFeature().Route.Config.RouteId;
        if (!routes.TryGet(routeId, out var route))
        {
            EgressProxyLog.NoConsentRule(logger, routeId);
            await ProxyProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "no-consent-rule",
                "The route has no consent rule; nothing is forwarded on it.");
            return;
        }

        var outcome = await EnforceAsync(context, route);
        metrics.Request(route.RouteId, outcome);
        if (outcome is EgressOutcome.Forwarded or EgressOutcome.Redacted)
        {
            await next();
        }
    }

    private async Task<EgressOutcome> EnforceAsync(HttpContext context, ConsentRoute route)
    {
        var request = context.Request;
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

        if (await RequestBody.ReadAsync(request, _maxBodyBytes, context.RequestAborted) is not { } body)
        {
            return await RejectAsync(context, route, StatusCodes.Status413PayloadTooLarge, "body-too-large", $"The body is larger than {_maxBodyBytes} bytes.");
        }

        var (classified, refusal) = Classify(request, body, route);
        if (refusal is { } bad)
        {
            return await RejectAsync(context, route, bad.Status, bad.Code, bad.Detail);
        }

        if (ReadSubject(request, route, classified) is not { } subject)
        {
            return await RejectAsync(context, route, StatusCodes.Status400BadRequest, "invalid-subject",
                $"The subject must be one valid id per source ({Describe(route)}); the country, when given, an ISO 3166-1 alpha-2 code.");
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
                return await RejectAsync(context, route, StatusCodes.Status400BadRequest, "missing-subject",
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
                },
                context.RequestAborted);
            answerHeaders[ConsentHeaders.Decision] = result.Decision;
            if (result.DecisionId is { } decisionId)
            {
                answerHeaders[ConsentHeaders.DecisionId] = decisionId.ToString();
            }

            if (result.IsGatewayUnavailable)
            {
                await WriteRefusalAsync(context, route, StatusCodes.Status503ServiceUnavailable, "gateway-unavailable",
                    "The consent gateway could not be asked; nothing is forwarded (fail closed).", result);
                return EgressOutcome.GatewayUnavailable;
            }

            if (result.Allowed.Count == 0)
            {
                await WriteRefusalAsync(context, route, StatusCodes.Status403Forbidden, "consent-denied",
                    $"None of the data may go to {route.Partner}.", result);
                return EgressOutcome.Denied;
            }

            // Whatever the gateway did not allow goes, not only what it listed as denied.
            var denied = dataItems.Where(item => !result.IsAllowed(item)).SelectMany(classified!.FieldsOf).ToList();
            removed.AddRange(ClassifiedBody.Remove(denied));
            metrics.Removed(route.RouteId, "denied", denied.Count);
            request.Headers[ConsentHeaders.DecisionId] = result.DecisionId?.ToString();
        }

        if (removed.Count > 0)
        {
            body = classified!.ToUtf8();
            answerHeaders[ConsentHeaders.Removed] = string.Join(',', removed);
        }

        RequestBody.Replace(request, body);
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
            return (null, new Refusal(StatusCodes.Status415UnsupportedMediaType, "unsupported-content-encoding",
                "The proxy reads uncompressed bodies only; send the body without Content-Encoding."));
        }

        if (!IsJson(request.ContentType))
        {
            return (null, new Refusal(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "The proxy classifies JSON bodies only (application/json or +json); other bodies are not forwarded."));
        }

        try
        {
            return ClassifiedBody.Parse(body, route.Fields) is { } classified
                ? (classified, null)
                : (null, new Refusal(StatusCodes.Status400BadRequest, "unclassifiable-body", "The body must be a JSON object or array."));
        }
        catch (JsonException)
        {
            return (null, new Refusal(StatusCodes.Status400BadRequest, "malformed-json", "The body is not well-formed JSON (or repeats a property)."));
        }
    }

    private readonly record struct Subject(string? UserId, string? DeviceAdId, string? Country);

    private static Subject? ReadSubject(HttpRequest request, ConsentRoute route, ClassifiedBody? body)
    {
        string? userId = null, deviceAdId = null, country = null;
        var root = body?.Root;
        if ((route.UserId is not null && (!route.UserId.TryRead(request, root, out userId) || (userId is not null && !SubjectIds.IsValid(userId))))
            || (route.DeviceAdId is not null && (!route.DeviceAdId.TryRead(request, root, out deviceAdId) || (deviceAdId is not null && !SubjectIds.IsValid(deviceAdId))))
            || (route.Country is not null && (!route.Country.TryRead(request, root, out country) || (country is not null && !CountryCode.TryParse(country, out _)))))
        {
            return null;
        }

        return new Subject(userId, deviceAdId, country);
    }

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

    private async Task WriteRefusalAsync(HttpContext context, ConsentRoute route, int status, string code, string detail, ConsentResult result)
    {
        EgressProxyLog.Refused(logger, route.RouteId, status, code, result.DecisionId);
        var members = new Dictionary<string, object?>
        {
            ["partner"] = route.Partner,
            ["decision"] = result.Decision,
            ["reasons"] = result.Reasons,
            ["denied"] = result.Denied.Select(denial => new Dictionary<string, string> { ["data"] = denial.Data, ["reason"] = denial.Reason }).ToList(),
        };
        if (result.DecisionId is { } decisionId)
        {
            members["policyVersion"] = result.PolicyVersion;
            members["decisionId"] = decisionId;
        }

        await ProxyProblems.WriteAsync(context, status, code, detail, members);
    }
}
