using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>The answer of <c>POST /api/v1/evaluate</c> (and of each batch item), as the contract writes it.</summary>
public sealed record EvaluationAnswer(
    string? Decision,
    IReadOnlyList<string>? Allowed,
    IReadOnlyList<DeniedItem>? Denied,
    IReadOnlyList<string>? Reasons,
    string? Partnership,
    string? PolicyVersion,
    long? ConsentVersion,
    string? DecisionId,
    int? TtlSeconds);

public sealed record DeniedItem(string Data, string Reason);

/// <summary>What <c>/api/v1/check</c> answered: the status and the <c>X-Consent-*</c> headers.</summary>
public sealed record CheckAnswer(
    HttpStatusCode Status,
    string? Decision,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> AllowedData,
    string? PolicyVersion,
    string? DecisionId,
    CacheControlHeaderValue? CacheControl,
    string? AccelExpires,
    string Body)
{
    public static async Task<CheckAnswer> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        return new CheckAnswer(
            response.StatusCode,
            Header(response, "X-Consent-Decision"),
            List(Header(response, "X-Consent-Reason")),
            List(Header(response, "X-Consent-Allowed-Data")),
            Header(response, "X-Consent-Policy-Version"),
            Header(response, "X-Consent-Decision-Id"),
            response.Headers.CacheControl,
            Header(response, "X-Accel-Expires"),
            body);
    }

    public static string? Header(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
    }

    /// <summary>A comma list header as its items (absent or empty: no items).</summary>
    public static IReadOnlyList<string> List(string? header) =>
        header is null ? [] : [.. header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    public override string ToString() =>
        $"{(int)Status} decision={Decision} reasons=[{string.Join(",", Reasons)}] allowed=[{string.Join(",", AllowedData)}] policy={PolicyVersion} cache-control={CacheControl} body={Body}";
}

/// <summary>Requests and answers of the evaluation endpoints.</summary>
public static class EvaluationApi
{
    public const string Evaluate = "/api/v1/evaluate";
    public const string Batch = "/api/v1/evaluate/batch";
    public const string Check = "/api/v1/check";
    public const string ProblemTypePrefix = "urn:consent-gateway:problem:";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The body of one evaluation: <c>via</c> written even when null, the other absent fields left out.</summary>
    public static JsonObject Body(string? partner, string? via, string? userId, string? deviceAdId, IEnumerable<string> data, string? country)
    {
        ArgumentNullException.ThrowIfNull(data);
        var subject = new JsonObject();
        if (userId is not null)
        {
            subject["userId"] = userId;
        }

        if (deviceAdId is not null)
        {
            subject["deviceAdId"] = deviceAdId;
        }

        var body = new JsonObject
        {
            ["partner"] = partner,
            ["via"] = via,
            ["subject"] = subject,
            ["data"] = new JsonArray([.. data.Select(item => (JsonNode?)JsonValue.Create(item))]),
        };
        if (country is not null)
        {
            body["country"] = country;
        }

        return body;
    }

    public static StringContent Content(JsonNode body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return GatewayServer.Json(body.ToJsonString());
    }

    /// <summary>POST /evaluate; anything but a 200 with a JSON answer is an error naming the request and the answer.</summary>
    public static async Task<Reply<EvaluationAnswer>> EvaluateAsync(HttpClient proxy, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(body);
        using var content = Content(body);
        using var response = await proxy.PostAsync(new Uri(Evaluate, UriKind.Relative), content);
        return ReadReply<EvaluationAnswer>(response, await response.Content.ReadAsStringAsync(), $"POST {Evaluate} {body.ToJsonString()}");
    }

    public static Reply<T> ReadReply<T>(HttpResponseMessage response, string text, string request)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new(null, $"{request} answered {(int)response.StatusCode}: {text}");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) is { } value
                ? new(value, null)
                : new(null, $"{request} answered null");
        }
        catch (JsonException ex)
        {
            return new(null, $"{request} answered a body that does not read as {typeof(T).Name} ({ex.Message}): {text}");
        }
    }

    /// <summary>A <c>/check</c> request carrying <paramref name="headers"/> (a null value leaves the header out).</summary>
    public static HttpRequestMessage CheckRequest(HttpMethod method, string path, params (string Name, string? Value)[] headers)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    public static async Task<ProblemBody> ReadProblemAsync(HttpResponseMessage response, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what}: content type {response.Content.Headers.ContentType}, body {text}");
        var problem = JsonSerializer.Deserialize<ProblemBody>(text, Json)!;
        Assert.False(string.IsNullOrWhiteSpace(problem.Code), $"{what}: no code in {text}");
        Assert.Equal(ProblemTypePrefix + problem.Code, problem.Type);
        Assert.Equal((int)response.StatusCode, problem.Status);
        return problem;
    }

    /// <summary>
    /// One HTTP/1.1 request written byte for byte (UTF-8), so a header can appear on two lines (HttpClient
    /// folds repeated values into one line, which for a comma list would be a different request) or
    /// carry bytes HttpClient would refuse to send.
    /// </summary>
    public static async Task<RawResponse> SendRawAsync(Uri baseAddress, string method, string path, IEnumerable<(string Name, string Value)> headers)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(headers);
        var text = new StringBuilder();
        text.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
        text.Append("Host: ").Append(baseAddress.Authority).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("Content-Length: 0\r\nConnection: close\r\n\r\n");

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
        using var reader = new MemoryStream();
        await stream.CopyToAsync(reader);
        var answer = Encoding.UTF8.GetString(reader.ToArray());

        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = (split < 0 ? answer : answer[..split]).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var responseHeaders = head.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(parts => parts[1].Trim())), StringComparer.OrdinalIgnoreCase);
        var body = split < 0 ? "" : answer[(split + 4)..];
        if (responseHeaders.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, responseHeaders, body);
    }

    // Chunk sizes are counted in bytes; the bodies here are ASCII JSON, so characters will do.
    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                break;
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return body.ToString();
    }
}

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>An answer of the API, or why there is none (a status other than 200, or a body that does not read).</summary>
public sealed record Reply<T>(T? Value, string? Error)
    where T : class;
