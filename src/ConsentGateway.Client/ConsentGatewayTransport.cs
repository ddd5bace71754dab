using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Client;

/// <summary>
/// The typed HTTP client: one call to the gateway, mapped to results, failing closed.
/// Registered with <c>AddHttpClient</c>; the base address, key header and resilience come from there.
/// </summary>
internal sealed partial class ConsentGatewayTransport(HttpClient http, ILogger<ConsentGatewayTransport> logger)
{
    internal const string EvaluatePath = "api/v1/evaluate";
    internal const string BatchPath = "api/v1/evaluate/batch";

    public async Task<ConsentResult> EvaluateAsync(ConsentQuestion question, CancellationToken cancellationToken)
    {
        var wire = WireMapping.ToWire(question, question.Id);
        try
        {
            using var content = JsonContent.Create(wire, WireJsonContext.Default.WireRequest);
            var reply = await PostAsync(EvaluatePath, content, WireJsonContext.Default.WireResponse, cancellationToken).ConfigureAwait(false);
            var result = WireMapping.FromWire(question, reply);
            if (result is null)
            {
                LogUnexpected(logger, EvaluatePath);
                return ConsentResult.Unavailable(question);
            }

            return result;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, EvaluatePath, exception);
            return ConsentResult.Unavailable(question);
        }
    }

    public async Task<IReadOnlyList<ConsentResult>> EvaluateBatchAsync(IReadOnlyList<ConsentQuestion> questions, CancellationToken cancellationToken)
    {
        var wire = new WireBatchRequest([.. questions.Select(q => WireMapping.ToWire(q, q.Id))]);
        try
        {
            using var content = JsonContent.Create(wire, WireJsonContext.Default.WireBatchRequest);
            var reply = await PostAsync(BatchPath, content, WireJsonContext.Default.WireBatchResponse, cancellationToken).ConfigureAwait(false);
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

                mapped[i] = WireMapping.FromWire(question, answer) ?? ConsentResult.Unavailable(question);
            }

            return mapped;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, BatchPath, exception);
            return AllUnavailable(questions);
        }
    }

    internal static ConsentResult[] AllUnavailable(IReadOnlyList<ConsentQuestion> questions) =>
        [.. questions.Select(ConsentResult.Unavailable)];

    private async Task<T?> PostAsync<T>(string path, HttpContent content, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The gateway answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null
            || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new HttpRequestException($"The gateway answered with content type '{mediaType}', not JSON.");
        }

        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Consent gateway call to {Path} failed; failing closed with GATEWAY_UNAVAILABLE")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Consent gateway reply from {Path} was not understood; failing closed with GATEWAY_UNAVAILABLE")]
    private static partial void LogUnexpected(ILogger logger, string path);
}
