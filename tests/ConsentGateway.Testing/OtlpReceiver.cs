using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Testing;

/// <summary>
/// A small OTLP/HTTP collector on a free loopback port: it accepts <c>POST /v1/traces</c>,
/// <c>/v1/metrics</c> and <c>/v1/logs</c> in protobuf (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>),
/// keeps each request, and reads what tests check: the resource attributes and the names of
/// spans, metrics and log scopes (OTLP's field numbers, opentelemetry-proto v1).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string Traces = "/v1/traces";
    public const string Metrics = "/v1/metrics";
    public const string Logs = "/v1/logs";

    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _requests = new();
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: the exporter adds the signal's path.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        foreach (var signal in (string[])[Traces, Metrics, Logs])
        {
            app.MapPost(signal, async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                receiver._requests.Enqueue((signal, body.ToArray()));

                // An empty Export…ServiceResponse: everything accepted.
                context.Response.ContentType = "application/x-protobuf";
            });
        }

        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Urls.Single());
        return receiver;
    }

    /// <summary>The requests of one signal received so far.</summary>
    public IReadOnlyList<byte[]> Received(string signal) => [.. _requests.Where(r => r.Signal == signal).Select(r => r.Body)];

    /// <summary>The string attributes of every resource the signal's requests carried (field 1 of each Resource… item, its field 1).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Resources(string signal) =>
        [.. Received(signal).SelectMany(body => ProtobufReader.Path(body, 1, 1)).Select(resource => Attributes(resource, 1))];

    /// <summary>The names of the spans received (ResourceSpans → ScopeSpans → Span.name).</summary>
    public IReadOnlyList<string> SpanNames() => Strings(Traces, [1, 2, 2], 5);

    /// <summary>The names of the metrics received, with their units (ResourceMetrics → ScopeMetrics → Metric).</summary>
    public IReadOnlyList<(string Name, string? Unit)> MetricNames() =>
        [.. Received(Metrics).SelectMany(body => ProtobufReader.Path(body, 1, 2, 2)).Select(metric => (ProtobufReader.Text(metric, 1) ?? "", ProtobufReader.Text(metric, 3)))];

    /// <summary>The log records received by scope name (the logger's category), each with its string attributes.</summary>
    public IReadOnlyList<(string Scope, IReadOnlyDictionary<string, string?> Attributes, string? Body)> LogRecords() =>
        [.. Received(Logs).SelectMany(body => ProtobufReader.Path(body, 1, 2)).SelectMany(scopeLogs =>
        {
            var scope = ProtobufReader.Path(scopeLogs, 1).Select(s => ProtobufReader.Text(s, 1)).FirstOrDefault() ?? "";
            return ProtobufReader.Fields(scopeLogs, 2).Select(record =>
                (scope, Attributes(record, 6), ProtobufReader.Path(record, 5).Select(value => ProtobufReader.Text(value, 1)).FirstOrDefault()));
        })];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IReadOnlyList<string> Strings(string signal, int[] path, int field) =>
        [.. Received(signal).SelectMany(body => ProtobufReader.Path(body, path)).Select(item => ProtobufReader.Text(item, field) ?? "")];

    // KeyValue { key = 1; AnyValue value = 2 { string_value = 1; … } }: other value kinds read as null.
    private static Dictionary<string, string?> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pair in ProtobufReader.Fields(message, field))
        {
            attributes[ProtobufReader.Text(pair, 1) ?? ""] = ProtobufReader.Path(pair, 2).Select(value => ProtobufReader.Text(value, 1)).FirstOrDefault();
        }

        return attributes;
    }
}
