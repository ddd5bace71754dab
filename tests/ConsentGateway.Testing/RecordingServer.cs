using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Testing;

/// <summary>One request as a <see cref="RecordingServer"/> received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The test's marker of the request (<see cref="RecordingServer.MarkerHeader"/>), if any.</summary>
    public string? Marker => Headers.GetValueOrDefault(RecordingServer.MarkerHeader);

    public IEnumerable<string> ConsentHeaders => Headers.Keys.Where(name => name.StartsWith("X-Consent-", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A small Kestrel app on a free loopback port that records every request it receives (method,
/// path with query, headers, body) and answers with a handler: a stub partner upstream (by
/// default: 200 "partner ok"), or a stub gateway for behaviour the real one never shows.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    /// <summary>A header the tests put on each request to the proxy, to find it at the upstream.</summary>
    public const string MarkerHeader = "X-Test-Request";

    private const string WarmUpPath = "/_warm-up";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly WebApplication _app;

    private RecordingServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>host:port of the server, for nginx's <c>server</c> lines.</summary>
    public string HostAndPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>The recorded requests carrying <paramref name="marker"/>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsMarked(string marker) => [.. _requests.Where(r => r.Marker == marker)];

    /// <summary>A partner upstream: records the request and answers 200 with a body and a header of its own.</summary>
    public static Task<RecordingServer> StartPartnerAsync() => StartAsync(async context =>
    {
        context.Response.Headers["X-Partner"] = "stub";
        await context.Response.WriteAsync("partner ok", context.RequestAborted);
    });

    public static async Task<RecordingServer> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new RecordingServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (context.Request.Path != WarmUpPath)
            {
                server._requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
            }

            await handler(context);
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single());

        // The first request pays for JIT: not one that nginx (with its tight timeouts) sends.
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var warmUp = await client.GetAsync(WarmUpPath);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
