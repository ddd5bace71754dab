using System.Globalization;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The egress proxies' hot path under <c>wrk</c>: <c>/api/v1/check</c> against nginx answering
/// <c>return 200</c> in the same run with the same script, its latency at about half its peak
/// rate, decisions per second through <c>/evaluate/batch</c>, and throughput with 100,000
/// accounts against 1,000. Accounts are written straight into the decision projection (what
/// decisions read); every one allows google, so any non-2xx answer is an error.
/// </summary>
internal static class EvaluationBenchmark
{
    internal const string Data = "ip_address,mobile_ad_id";
    private const int Threads = 2;

    public static async Task<int> CheckAsync(BenchStore store, TimeSpan duration, int connections, int accounts, TimeSpan bound)
    {
        await using var gateway = await StartAsync(store, bound);
        await SeedAsync(gateway, 0, accounts);
        var script = await CheckScriptAsync(accounts);
        using var nginx = await NginxReturn200.StartAsync();
        await using var kestrel = await KestrelReturn200Async();
        var kestrelUrl = kestrel.Urls.Single();

        // The gateway first, straight after warming: its memory of the accounts is fresh.
        await WarmAsync(gateway, accounts);
        using var storeReads = new StoreReadMeter(gateway);
        var check = await Wrk.RunAsync(Url(gateway, "/api/v1/check"), script, Threads, connections, duration);
        var reads = storeReads.Reads;
        await Wrk.RunAsync(nginx.Address.ToString(), script, Threads, connections, TimeSpan.FromSeconds(3));
        var yardstick = await Wrk.RunAsync(nginx.Address.ToString(), script, Threads, connections, duration);
        await Wrk.RunAsync(kestrelUrl, script, Threads, connections, TimeSpan.FromSeconds(3));
        var bareKestrel = await Wrk.RunAsync(kestrelUrl, script, Threads, connections, duration);
        Console.WriteLine($"nginx return 200:   {yardstick}");
        Console.WriteLine($"gateway /check:     {check}");
        Console.WriteLine($"Kestrel return 200: {bareKestrel}  (the floor of any ASP.NET Core answer here, for reference)");
        Console.WriteLine(Invariant($"ratio: {check.RequestsPerSecond / yardstick.RequestsPerSecond:F2}  [{accounts} accounts, bound {bound.TotalSeconds:F0} s, wrk -t{Threads} -c{connections} -d{duration.TotalSeconds:F0}s, {Environment.ProcessorCount} cores]"));
        Console.WriteLine(Invariant($"store reads during the /check run: {reads} ({reads / duration.TotalSeconds:F1}/s at {check.RequestsPerSecond:F0} checks/s over {accounts} warm accounts, no changes)"));

        // Latency at about half the peak rate: wrk has no fixed-rate mode, so fewer connections.
        var target = check.RequestsPerSecond / 2;
        var (closest, rate) = (1, 0.0);
        await WarmAsync(gateway, accounts);
        foreach (var candidate in (int[])[1, 2, 4, 8, 16])
        {
            var probe = await Wrk.RunAsync(Url(gateway, "/api/v1/check"), script, 1, candidate, TimeSpan.FromSeconds(3));
            if (Math.Abs(probe.RequestsPerSecond - target) < Math.Abs(rate - target))
            {
                (closest, rate) = (candidate, probe.RequestsPerSecond);
            }
        }

        await WarmAsync(gateway, accounts);
        var atHalf = await Wrk.RunAsync(Url(gateway, "/api/v1/check"), script, 1, closest, duration);
        Console.WriteLine(Invariant($"at ~half peak:      {atHalf}  [wrk -t1 -c{closest}; {atHalf.RequestsPerSecond / check.RequestsPerSecond:P0} of peak]"));
        return check.Non2xx3xx + atHalf.Non2xx3xx == 0 ? 0 : 1;
    }

    public static async Task<int> BatchAsync(BenchStore store, TimeSpan duration, int connections, TimeSpan bound)
    {
        const int BatchSize = 1000;
        await using var gateway = await StartAsync(store, bound);
        await SeedAsync(gateway, 0, BatchSize);
        await WarmAsync(gateway, BatchSize);

        var body = new StringBuilder("{\"requests\":[");
        for (var i = 0; i < BatchSize; i++)
        {
            body.Append(Invariant($$"""{{(i == 0 ? "" : ",")}}{"id":"r{{i}}","partner":"google","subject":{"userId":"bench-{{i}}"},"data":["ip_address","mobile_ad_id"]}"""));
        }

        var bodyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(bodyFile, body.Append("]}").ToString());
        var script = await Wrk.ScriptAsync($$"""
            local file = io.open("{{bodyFile}}", "r")
            wrk.method = "POST"
            wrk.body = file:read("*a")
            file:close()
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["{{ConsentHeaders.Key}}"] = "{{BenchGateway.ProxyKey}}"
            """);

        await Wrk.RunAsync(Url(gateway, "/api/v1/evaluate/batch"), script, Threads, connections, TimeSpan.FromSeconds(3));
        var batch = await Wrk.RunAsync(Url(gateway, "/api/v1/evaluate/batch"), script, Threads, connections, duration);
        Console.WriteLine($"gateway /evaluate/batch: {batch}");
        Console.WriteLine(Invariant($"decisions/s: {batch.RequestsPerSecond * BatchSize:F0}  [{BatchSize} per batch, {body.Length} bytes, bound {bound.TotalSeconds:F0} s, wrk -t{Threads} -c{connections}]"));
        return batch.Non2xx3xx == 0 ? 0 : 1;
    }

    /// <summary>
    /// The same gateway and script over 1,000 accounts, then over <paramref name="large"/> (all
    /// warm). Azurite looks a row up by scanning its table, so seeding and warming take time
    /// that grows with the square of the count (about 10 minutes short of 100,000 here).
    /// </summary>
    public static async Task<int> ScaleAsync(BenchStore store, TimeSpan duration, int connections, TimeSpan bound, int many)
    {
        const int Small = 1_000;
        await using var gateway = await StartAsync(store, bound);

        await SeedAsync(gateway, 0, Small);
        await WarmAsync(gateway, Small);
        var small = await Wrk.RunAsync(Url(gateway, "/api/v1/check"), await CheckScriptAsync(Small), Threads, connections, duration);
        Console.WriteLine(Invariant($"{Small,7} accounts: {small}"));

        Console.WriteLine($"Seeding and warming {many} accounts...");
        await SeedAsync(gateway, Small, many);
        await WarmAsync(gateway, many);
        var large = await Wrk.RunAsync(Url(gateway, "/api/v1/check"), await CheckScriptAsync(many), Threads, connections, duration);
        Console.WriteLine(Invariant($"{many,7} accounts: {large}"));
        Console.WriteLine(Invariant($"ratio ({many} / {Small}): {large.RequestsPerSecond / small.RequestsPerSecond:F2}  [bound {bound.TotalSeconds:F0} s, wrk -t{Threads} -c{connections} -d{duration.TotalSeconds:F0}s]"));
        return small.Non2xx3xx + large.Non2xx3xx == 0 ? 0 : 1;
    }

    /// <summary>An empty ASP.NET Core app answering 200 on every path: what Kestrel alone costs on this machine.</summary>
    private static async Task<WebApplication> KestrelReturn200Async()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context => Task.CompletedTask);
        await app.StartAsync();
        return app;
    }

    internal static Task<BenchGateway> StartAsync(BenchStore store, TimeSpan bound) =>
        BenchGateway.StartAsync(store, ["--Consent:Propagation:StalenessBound", bound.ToString("c", CultureInfo.InvariantCulture), .. BenchGateway.ProxySettings]);

    internal static string Url(BenchGateway gateway, string path) => new Uri(gateway.Client.BaseAddress!, path).ToString();

    /// <summary>Accounts <c>bench-{i}</c> for i in [from, to): DE, signed up 2021, setting enabled.</summary>
    internal static async Task SeedAsync(BenchGateway gateway, int from, int to)
    {
        var projections = gateway.App.Services.GetRequiredService<IProjectionStore>();
        var germany = CountryCode.Parse("DE");
        var signedUp = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await projections.TryPutAccountAsync(new AccountProjection(Invariant($"bench-{i}"), true, germany, signedUp, true, 1, 1), null, ct));
    }

    /// <summary>Checks every account until it is allowed, so every one is in the gateway's memory.</summary>
    internal static Task WarmAsync(BenchGateway gateway, int accounts) =>
        Parallel.ForEachAsync(Enumerable.Range(0, accounts), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await gateway.WaitUntilAllowedAsync(Invariant($"bench-{i}"), Data, ct));

    // Each wrk thread walks the accounts from its own offset.
    internal static Task<string> CheckScriptAsync(int accounts) => Wrk.ScriptAsync($$"""
        local accounts = {{accounts}}
        local threads = 0
        function setup(thread)
            thread:set("offset", threads * 7919)
            threads = threads + 1
        end
        function init(args)
            i = offset or 0
        end
        wrk.headers["{{ConsentHeaders.Key}}"] = "{{BenchGateway.ProxyKey}}"
        wrk.headers["{{ConsentHeaders.Partner}}"] = "google"
        wrk.headers["{{ConsentHeaders.Data}}"] = "{{Data}}"
        function request()
            i = (i + 1) % accounts
            wrk.headers["{{ConsentHeaders.User}}"] = "bench-" .. i
            return wrk.format("GET", "/api/v1/check")
        end
        """);

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
