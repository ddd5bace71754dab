using ConsentGateway.EgressProxy;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.EndToEnd.Tests.Proxies;

/// <summary>
/// The YARP egress proxy (<see cref="EgressProxyServer"/>) on real Kestrel in this process, on a
/// free loopback port, asking a real gateway with a proxy key and forwarding to one stub partner.
/// Three routes, one per partner, each under its own path prefix (removed before forwarding):
/// <c>/google/</c> and <c>/facebook/</c> (partnership A) and <c>/example-advertiser/</c>
/// (partnership B, via the processor example-processor). Every route reads the user id from
/// <see cref="UserIdHeader"/>, the device advertising id from <c>$.device.adId</c> and the
/// country from <c>$.country</c>, and classifies the same body fields (<see cref="Fields"/>);
/// <c>$.event</c> and <c>$.country</c> pass through, anything else is unclassified (strict routes).
/// Its log events are kept (<see cref="Logs"/>) instead of written to the console.
/// </summary>
public sealed class YarpEgressProxy : IAsyncDisposable
{
    public const string UserIdHeader = "X-User-Id";

    public const string GoogleRoute = "/google/";
    public const string FacebookRoute = "/facebook/";

    /// <summary>Partnership B: partner example-advertiser, reached via example-processor.</summary>
    public const string ExampleAdvertiserRoute = "/example-advertiser/";

    /// <summary>Which body field carries which data item, on every route.</summary>
    public static readonly IReadOnlyList<(string Path, string Data)> Fields =
    [
        ("$.ip", "ip_address"),
        ("$.device.adId", "mobile_ad_id"),
        ("$.user.email", "email"),
        ("$.ads", "ad_interactions"),
        ("$.browserId", "browser_id"),
    ];

    public static readonly IReadOnlyList<string> PassThrough = ["$.event", "$.country"];

    private static readonly (string RouteId, string Partner, string? Via)[] Routes =
    [
        ("google", "google", null),
        ("facebook", "facebook", null),
        ("example-advertiser", "example-advertiser", "example-processor"),
    ];

    private readonly WebApplication _app;
    private readonly CapturedLogs _logs;

    private YarpEgressProxy(WebApplication app, CapturedLogs logs)
    {
        _app = app;
        _logs = logs;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every log event of the proxy so far: its message, its values and any exception.</summary>
    public IReadOnlyCollection<string> Logs => _logs.Events;

    /// <summary>
    /// Starts the proxy asking <paramref name="gateway"/> with <paramref name="proxyKey"/> and
    /// forwarding every route to <paramref name="partner"/>; <paramref name="overrides"/> are
    /// further command-line settings (e.g. a rule changed).
    /// </summary>
    public static async Task<YarpEgressProxy> StartAsync(Uri gateway, string proxyKey, Uri partner, params string[] overrides)
    {
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--environment", "Testing",
            "--Logging:LogLevel:Default", "Information",
            "--ConsentGateway:BaseAddress", gateway.ToString(),
            "--ConsentGateway:ProxyKey", proxyKey,
            // The client's own 200 ms is for production; a loaded test machine is not a gateway
            // outage (a stopped gateway refuses the connection at once, whatever the timeout).
            "--ConsentGateway:Timeout", "00:00:05",
            "--ReverseProxy:Clusters:partner:Destinations:stub:Address", partner.ToString(),
        };
        foreach (var (routeId, partnerId, via) in Routes)
        {
            var route = "--ReverseProxy:Routes:" + routeId;
            args.AddRange([route + ":ClusterId", "partner", route + ":Match:Path", $"/{routeId}/{{**rest}}", route + ":Transforms:0:PathRemovePrefix", "/" + routeId]);
            var rule = "--ConsentProxy:Routes:" + routeId;
            args.AddRange([rule + ":Partner", partnerId]);
            if (via is not null)
            {
                args.AddRange([rule + ":Via", via]);
            }

            args.AddRange([rule + ":UserId:Header", UserIdHeader, rule + ":DeviceAdId:JsonPath", "$.device.adId", rule + ":Country:JsonPath", "$.country"]);

            // The partner gets the decision id, and the tests' marker to find each request there.
            args.AddRange([rule + ":ForwardHeaders:0", "X-Consent-Decision-Id", rule + ":ForwardHeaders:1", RecordingServer.MarkerHeader]);
            for (var i = 0; i < Fields.Count; i++)
            {
                args.AddRange([$"{rule}:Fields:{i}:Path", Fields[i].Path, $"{rule}:Fields:{i}:Data", Fields[i].Data]);
            }

            for (var i = 0; i < PassThrough.Count; i++)
            {
                args.AddRange([$"{rule}:PassThrough:{i}", PassThrough[i]]);
            }
        }

        args.AddRange(overrides);
        var logs = new CapturedLogs();
        var app = EgressProxyServer.Build([.. args], services =>
        {
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(logs);
        });
        var proxy = new YarpEgressProxy(app, logs);
        try
        {
            await app.StartAsync();
            proxy.BaseAddress = new Uri(app.Urls.Single());
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
