using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Client;

/// <summary>
/// The typed HTTP client: one call to the gateway, mapped to results, failing closed.
/// Registered with <c>AddHttpClient</c>; the base address, key header and resilience come from there.
/// </summary>
internal sealed partial class ConsentGatewayTransport(HttpClient http, ILogger<ConsentGatewayTransport> logger)
{
    // Relative to the base address, so that a gateway behind a path prefix is reached below it.
    internal static readonly string EvaluatePath = ApiRoutes.EvaluatePath.TrimStart('/');
    internal static readonly string BatchPath = ApiRoutes.EvaluateBatchPath.TrimStart('/');
    internal static readonly string PolicyPath = ApiRoutes.PolicyPath.TrimStart('/');

    public async Task<ConsentResult> EvaluateAsync(ConsentQuestion question, CancellationToken cancellationToken)
    {
        try
        {
            using var content = JsonContent.Create(ReplyMapping.ToBody(question), ClientJsonContext.Default.EvaluateBody);
            var reply = await SendAsync(HttpMethod.Post, EvaluatePath, content, ClientJsonContext.Default.DecisionReply, cancellationToken).ConfigureAwait(false);
            var result = ReplyMapping.ToResult(question, reply);
            if (result is null)
            {
                LogUnexpected(logger, EvaluatePath);
                return ConsentResult.Unavailable(question);
            }

            return result;
        }
        catch (ConsentGatewayException exception) when (exception.Refusal is { } refusal)
        {
            LogRefused(logger, EvaluatePath, refusal.Status, refusal.Code);
            return ConsentResult.Refused(question, refusal);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, EvaluatePath, exception);
            return ConsentResult.Unavailable(question);
        }
    }

    public async Task<IReadOnlyList<ConsentResult>> EvaluateBatchAsync(IReadOnlyList<ConsentQuestion> questions, CancellationToken cancellationToken)
    {
        var body = new BatchBody([.. questions.Select(ReplyMapping.ToBody)]);
        try
        {
            using var content = JsonContent.Create(body, ClientJsonContext.Default.BatchBody);
            var reply = await SendAsync(HttpMethod.Post, BatchPath, content, ClientJsonContext.Default.BatchReply, cancellationToken).ConfigureAwait(false);
            if (reply?.Results is not { } results || results.Count != questions.Count)
            {
                LogUnexpected(logger, BatchPath);
                return AllUnavailable(questions);
            }

            var mapped = new ConsentResult[questions.Count];
            for (var i = 0; i < questions.Count; i++)
            {
                var question = questions[i];
                var answer = results[i];
                // Routed by position; when we sent an id, the answer must carry the same one.
                if (question.Id is not null && !string.Equals(answer?.Id, question.Id, StringComparison.Ordinal))
                {
                    LogUnexpected(logger, BatchPath);
                    return AllUnavailable(questions);
                }

                mapped[i] = ReplyMapping.ToResult(question, answer) ?? ConsentResult.Unavailable(question);
            }

            return mapped;
        }
        catch (ConsentGatewayException exception) when (exception.Refusal is { } refusal)
        {
            LogRefused(logger, BatchPath, refusal.Status, refusal.Code);
            return [.. questions.Select(question => ConsentResult.Refused(question, refusal))];
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, BatchPath, exception);
            return AllUnavailable(questions);
        }
    }

    public async Task<PolicyResponse> GetPolicyAsync(CancellationToken cancellationToken)
    {
        PolicyResponse? policy;
        try
        {
            policy = await SendAsync(HttpMethod.Get, PolicyPath, null, ClientJsonContext.Default.PolicyResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not ConsentGatewayException && !cancellationToken.IsCancellationRequested)
        {
            throw new ConsentGatewayException($"The gateway's policy could not be read: {exception.Message}", exception);
        }

        return policy is { Document.ValueKind: JsonValueKind.Object } && !string.IsNullOrEmpty(policy.PolicyVersion)
            ? policy
            : throw new ConsentGatewayException("The gateway's answer to the policy read is not a policy (policyVersion and document).");
    }

    internal static ConsentResult[] AllUnavailable(IReadOnlyList<ConsentQuestion> questions) =>
        [.. questions.Select(ConsentResult.Unavailable)];

    /// <exception cref="ConsentGatewayException">With a refusal: the gateway answered 4xx (not 408 or 429).</exception>
    /// <exception cref="HttpRequestException">Any other non-2xx answer, or one that is not JSON.</exception>
    private async Task<T?> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
        {
            var refusal = new GatewayRefusal(status, await ProblemCodeAsync(response.Content, cancellationToken).ConfigureAwait(false));
            throw new ConsentGatewayException($"The gateway refused the call with {status} {refusal.Code}.", refusal);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The gateway answered {status}.", null, response.StatusCode);
        }

        if (!IsJson(response.Content))
        {
            throw new HttpRequestException($"The gateway answered with content type '{response.Content.Headers.ContentType?.MediaType}', not JSON.");
        }

        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>code</c> member of a problem answer, or null when the answer is not one.</summary>
    private static async Task<string?> ProblemCodeAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (!IsJson(content))
        {
            return null;
        }

        try
        {
            using var problem = await JsonDocument.ParseAsync(await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                   && problem.RootElement.TryGetProperty(ProblemTypes.CodeMember, out var code)
                   && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJson(HttpContent content) =>
        content.Headers.ContentType?.MediaType is { } mediaType
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Consent gateway call to {Path} failed; failing closed with " + ReasonCodes.GatewayUnavailable)]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Consent gateway reply from {Path} was not understood; failing closed with " + ReasonCodes.GatewayUnavailable)]
    private static partial void LogUnexpected(ILogger logger, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Consent gateway refused the call to {Path} with {Status} {Code}; failing closed with " + ReasonCodes.GatewayUnavailable)]
    private static partial void LogRefused(ILogger logger, string path, int status, string? code);
}
