using System.Globalization;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.EgressProxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.LoadBench;

/// <summary>
/// What the consent step of the egress proxy costs per request: the same YARP route to nginx
/// answering <c>return 200</c>, once as a plain pass-through and once through the consent proxy
/// (<see cref="EgressProxyServer"/>, asking the self-hosted gateway through the .NET client,
/// which caches the answer for the gateway's ttl), both in this process, measured by <c>wrk</c>
/// in the same run. At one connection (the default) latency is the cost of a request, not queueing.
/// </summary>
internal static class EgressProxyBenchmark
{
    private const string UserId = "bench-0";
    private const string Path = "/v1/events";

    /// <summary>For a US account with the default setting, google may have all of it: an allow, forwarded unchanged.</summary>
    private const string AllowBody = """{"event":"purchase","ts":"2026-11-29T12:00:00Z","ip":"203.0.113.7","device":{"adId":"6d92078a-8246-4ba4-ae5b-76104861e7dc"}}""";

    /// <summary>The same and an email, which never goes to google: a partial, forwarded without <c>$.user.email</c>.</summary>
    private const string PartialBody = """{"event":"purchase","ts":"2026-11-29T12:00:00Z","ip":"203.0.113.7","device":{"adId":"6d92078a-8246-4ba4-ae5b-76104861e7dc"},"user":{"email":"someone@example.com"}}""";

    public static async Task<int> RunAsync(BenchStore store, TimeSpan duration, int connections)
    {
        await using var gateway = await BenchGateway.StartAsync(store, BenchGateway.ProxySettings);
        await gateway.CreateAccountsAsync("bench", 1, "US", concurrency: 1);
        await gateway.WaitUntilAllowedAsync(UserId, "ip_address,mobile_ad_id", CancellationToken.None);

        using var nginx = await NginxReturn200.StartAsync();
        await using var plain = await StartPlainYarpAsync(nginx.Address);
        await using var consent = await StartConsentProxyAsync(nginx.Address, gateway.Client.BaseAddress!);
        var plainUrl = new Uri(new Uri(plain.Urls.Single()), Path);
        var consentUrl = new Uri(new Uri(consent.Urls.Single()), Path);

        // Once through each before measuring, so the figures cannot be those of refusals.
        await ExpectForwardedAsync("plain YARP", plainUrl, AllowBody, decision: null, removed: null);
        await ExpectForwardedAsync("consent proxy", consentUrl, AllowBody, decision: "allow", removed: null);
        await ExpectForwardedAsync("consent proxy", consentUrl, PartialBody, decision: "partial", removed: "$.user.email");

        var threads = Math.Min(2, connections);
        var allowScript = await ScriptAsync(AllowBody);
        var partialScript = await ScriptAsync(PartialBody);
        (string Name, Uri Url, string Script)[] runs =
        [
            ("plain YARP, allow body", plainUrl, allowScript),
            ("consent proxy, allow", consentUrl, allowScript),
            ("consent proxy, partial", consentUrl, partialScript),
        ];

        // Every path warm (JIT, connection pools, the client's cache) before any is measured: they share YARP's code.
        foreach (var run in runs)
        {
            await Wrk.RunAsync(run.Url.ToString(), run.Script, threads, connections, TimeSpan.FromSeconds(3));
        }

        var results = new List<WrkResult>();
        foreach (var run in runs)
        {
            results.Add(await Wrk.RunAsync(run.Url.ToString(), run.Script, threads, connections, duration));
        }

        Console.WriteLine(Invariant($"wrk -t{threads} -c{connections} -d{duration.TotalSeconds:F0}s --latency, POST of a JSON body ({Encoding.UTF8.GetByteCount(AllowBody)} / {Encoding.UTF8.GetByteCount(PartialBody)} bytes), {Environment.ProcessorCount} cores"));
        Console.WriteLine("                                 req/s     p50 ms   p90 ms   p99 ms  non-2xx  socket errors");
        for (var i = 0; i < runs.Length; i++)
        {
            var result = results[i];
            Console.WriteLine(Invariant($"{runs[i].Name,-26} {result.RequestsPerSecond,11:F0} {result.P50Ms,10:F3} {result.P90Ms,8:F3} {result.P99Ms,8:F3} {result.Non2xx3xx,8} {result.SocketErrors,14}"));
        }

        var (baseline, allow, partial) = (results[0], results[1], results[2]);
        Console.WriteLine(Invariant($"overhead vs plain YARP, allow:   p50 {allow.P50Ms - baseline.P50Ms:+0.000;-0.000} ms  p99 {allow.P99Ms - baseline.P99Ms:+0.000;-0.000} ms"));
        Console.WriteLine(Invariant($"overhead vs plain YARP, partial: p50 {partial.P50Ms - baseline.P50Ms:+0.000;-0.000} ms  p99 {partial.P99Ms - baseline.P99Ms:+0.000;-0.000} ms"));
        return results.Sum(r => r.Non2xx3xx + r.SocketErrors) == 0 ? 0 : 1;
    }

    /// <summary>One route, <c>google</c>, taking every path to nginx: the same for both proxies.</summary>
    private static string[] RouteSettings(Uri upstream) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--Logging:LogLevel:Default", "Warning",
        "--ReverseProxy:Routes:google:ClusterId", "partner",
        "--ReverseProxy:Routes:google:Match:Path", "{**catch-all}",
        "--ReverseProxy:Clusters:partner:Destinations:nginx:Address", upstream.ToString(),
    ];

    /// <summary>YARP alone, set up as the consent proxy sets it up (no X-Forwarded-*), without the consent step.</summary>
    private static async Task<WebApplication> StartPlainYarpAsync(Uri upstream)
    {
        var builder = WebApplication.CreateBuilder(RouteSettings(upstream));
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(context => context.UseDefaultForwarders = false);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartConsentProxyAsync(Uri upstream, Uri gateway)
    {
        const string Rule = "--ConsentProxy:Routes:google:";
        var app = EgressProxyServer.Build(
        [
            .. RouteSettings(upstream),
            "--ConsentGateway:BaseAddress", gateway.ToString(),
            "--ConsentGateway:ProxyKey", BenchGateway.ProxyKey,
            Rule + "Partner", "google",
            Rule + "UserId:Header", "X-User-Id",
            Rule + "Fields:0:Path", "$.ip",
            Rule + "Fields:0:Data", "ip_address",
            Rule + "Fields:1:Path", "$.device.adId",
            Rule + "Fields:1:Data", "mobile_ad_id",
            Rule + "Fields:2:Path", "$.user.email",
            Rule + "Fields:2:Data", "email",
            Rule + "PassThrough:0", "$.event",
            Rule + "PassThrough:1", "$.ts",
        ]);
        await app.StartAsync();
        return app;
    }

    private static async Task ExpectForwardedAsync(string proxy, Uri url, string body, string? decision, string? removed)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = BenchGateway.Json(body) };
        request.Headers.Add("X-User-Id", UserId);
        using var response = await client.SendAsync(request);
        var answer = Invariant($"{(int)response.StatusCode}, decision {Header(response, ConsentHeaders.Decision) ?? "-"}, removed {Header(response, ConsentHeaders.Removed) ?? "-"}");
        if (!response.IsSuccessStatusCode || Header(response, ConsentHeaders.Decision) != decision || Header(response, ConsentHeaders.Removed) != removed)
        {
            throw new InvalidOperationException($"{proxy} answered {answer} to {body}; expected 200, decision {decision ?? "-"}, removed {removed ?? "-"}: {await response.Content.ReadAsStringAsync()}");
        }

        Console.WriteLine($"{proxy}: {answer}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    private static Task<string> ScriptAsync(string body) => Wrk.ScriptAsync($$"""
        wrk.method = "POST"
        wrk.body = [[{{body}}]]
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["X-User-Id"] = "{{UserId}}"
        """);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
