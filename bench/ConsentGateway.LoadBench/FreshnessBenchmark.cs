using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Contracts;

namespace ConsentGateway.LoadBench;

/// <summary>
/// How decisions follow changes on the self-host at its default bound (5 s): how long a
/// revocation takes to deny an account and its device while proxies keep asking, and whether
/// another proxy's batches of never-seen subjects make hot subjects' answers fail.
/// </summary>
internal static class FreshnessBenchmark
{
    private const int HotAccounts = 1000;
    private const string ColdProxyKey = "cold-proxy-key-0123456789";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Revokes and grants one account (linked to one device) again and again while <c>wrk</c>
    /// checks 1,000 other accounts; each revocation is timed from its 2xx to the first deny of
    /// the account and of its device, asking in a tight loop.
    /// </summary>
    public static async Task<int> RevocationAsync(BenchStore store, TimeSpan duration, int loadConnections)
    {
        await using var gateway = await EvaluationBenchmark.StartAsync(store, Bound);
        await EvaluationBenchmark.SeedAsync(gateway, 0, HotAccounts);
        await EvaluationBenchmark.WarmAsync(gateway, HotAccounts);
        await gateway.CreateAccountsAsync("revoked", 1, "DE", 1);
        await gateway.LinkDevicesAsync("revoked-0", 1, 1);
        const string UserId = "revoked-0";
        const string DeviceId = "revoked-0-device-0";

        var load = Wrk.RunAsync(EvaluationBenchmark.Url(gateway, "/api/v1/check"), await EvaluationBenchmark.CheckScriptAsync(HotAccounts), 1, loadConnections, duration);
        var userLatencies = new List<double>();
        var deviceLatencies = new List<double>();
        for (var round = 0L; !load.IsCompleted; round++)
        {
            using (var granted = await gateway.ToggleAsync("revoked", 0, round * 2, default))
            {
                granted.EnsureSuccessStatusCode();
            }

            await UntilAsync(gateway, UserId, DeviceId, allowed: true);
            using (var revoked = await gateway.ToggleAsync("revoked", 0, (round * 2) + 1, default))
            {
                revoked.EnsureSuccessStatusCode();
            }

            var (user, device) = await UntilAsync(gateway, UserId, DeviceId, allowed: false);
            userLatencies.Add(user.TotalMilliseconds);
            deviceLatencies.Add(device.TotalMilliseconds);
        }

        var background = await load;
        Console.WriteLine($"background /check load: {background}  [wrk -t1 -c{loadConnections}]");
        Console.WriteLine(Summary("revocation -> account denied", userLatencies));
        Console.WriteLine(Summary("revocation -> device denied ", deviceLatencies));
        return background.Non2xx3xx == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>wrk</c> checks 1,000 hot accounts as proxy <c>bench</c>, first alone, then while proxy
    /// <c>cold</c> sends a batch of 1,000 never-seen accounts every 0.2 s. Every hot account
    /// allows, so every non-2xx answer to <c>bench</c> is a false deny.
    /// </summary>
    public static async Task<int> ColdIsolationAsync(BenchStore store, TimeSpan duration, int connections)
    {
        await using var gateway = await BenchGateway.StartAsync(store,
        [
            "--Consent:Propagation:StalenessBound", Bound.ToString("c", CultureInfo.InvariantCulture),
            .. BenchGateway.ProxySettings,
            "--Consent:Proxies:cold:KeySha256", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ColdProxyKey))),
            "--Consent:Proxies:cold:Partners", "*",
        ]);
        await EvaluationBenchmark.SeedAsync(gateway, 0, HotAccounts);
        await EvaluationBenchmark.WarmAsync(gateway, HotAccounts);
        var url = EvaluationBenchmark.Url(gateway, "/api/v1/check");
        var script = await EvaluationBenchmark.CheckScriptAsync(HotAccounts);

        var alone = await Wrk.RunAsync(url, script, 2, connections, duration);
        using var stop = new CancellationTokenSource();
        var cold = SendColdBatchesAsync(gateway, stop.Token);
        var underCold = await Wrk.RunAsync(url, script, 2, connections, duration);
        await stop.CancelAsync();
        var (batches, unavailable) = await cold;

        Console.WriteLine($"hot /check alone:          {alone}");
        Console.WriteLine($"hot /check under cold:     {underCold}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold batches: {batches} x 1000 never-seen accounts (every 0.2 s), {unavailable} of their answers STORE_UNAVAILABLE"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hot false denies under cold batches: {underCold.Non2xx3xx}  (alone: {alone.Non2xx3xx})  [wrk -t2 -c{connections} -d{duration.TotalSeconds:F0}s]"));
        return alone.Non2xx3xx + underCold.Non2xx3xx == 0 ? 0 : 1;
    }

    private static async Task<(long Batches, long Unavailable)> SendColdBatchesAsync(BenchGateway gateway, CancellationToken cancellationToken)
    {
        var (batches, unavailable) = (0L, 0L);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var body = new StringBuilder("{\"requests\":[");
                for (var i = 0; i < 1000; i++)
                {
                    body.Append(CultureInfo.InvariantCulture, $$"""{{(i == 0 ? "" : ",")}}{"partner":"google","subject":{"userId":"cold-{{batches}}-{{i}}"},"data":["ip_address"]}""");
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/evaluate/batch") { Content = BenchGateway.Json(body.Append("]}").ToString()) };
                request.Headers.Add(ConsentHeaders.Key, ColdProxyKey);
                using var response = await gateway.Client.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                unavailable += CountOf(text, ReasonCodes.StoreUnavailable);
                batches++;
            }
        }
        catch (OperationCanceledException)
        {
        }

        return (batches, unavailable);
    }

    private static long CountOf(string text, string value)
    {
        var (count, at) = (0L, 0);
        while ((at = text.IndexOf(value, at, StringComparison.Ordinal)) >= 0)
        {
            (count, at) = (count + 1, at + value.Length);
        }

        return count;
    }

    /// <summary>Asks about the account and the device in turn until each answers <paramref name="allowed"/>; returns how long each took.</summary>
    private static async Task<(TimeSpan User, TimeSpan Device)> UntilAsync(BenchGateway gateway, string userId, string deviceId, bool allowed)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? user = null, device = null;
        while (user is null || device is null)
        {
            if (user is null && await AllowedAsync(gateway, ConsentHeaders.User, userId) == allowed)
            {
                user = clock.Elapsed;
            }

            if (device is null && await AllowedAsync(gateway, ConsentHeaders.Device, deviceId) == allowed)
            {
                device = clock.Elapsed;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"The account or its device did not answer allowed={allowed} within 30 s.");
            }
        }

        return (user.Value, device.Value);
    }

    private static async Task<bool> AllowedAsync(BenchGateway gateway, string header, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
        request.Headers.Add(ConsentHeaders.Key, BenchGateway.ProxyKey);
        request.Headers.Add(ConsentHeaders.Partner, "google");
        request.Headers.Add(header, id);
        request.Headers.Add(ConsentHeaders.Data, EvaluationBenchmark.Data);
        using var response = await gateway.Client.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    private static string Summary(string label, List<double> milliseconds)
    {
        milliseconds.Sort();
        double At(double quantile) => milliseconds[Math.Min(milliseconds.Count - 1, (int)Math.Ceiling(quantile * milliseconds.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{label}: n {milliseconds.Count}  p50 {At(0.5):F2} ms  p99 {At(0.99):F2} ms  max {milliseconds[^1]:F2} ms");
    }
}
