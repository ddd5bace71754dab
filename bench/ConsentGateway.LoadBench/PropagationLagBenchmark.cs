using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ConsentGateway.Core.Propagation;

namespace ConsentGateway.LoadBench;

/// <summary>
/// Propagation lag on the self-host under a steady rate of setting changes: each change is
/// sent at its scheduled time (open loop, so a slow gateway cannot slow the load down), and
/// the lag is read from the gateway's own <c>consent.propagation.lag</c> histogram (accepted →
/// projected), captured with a <see cref="MeterListener"/>.
/// </summary>
internal static class PropagationLagBenchmark
{
    private const int Accounts = 200;

    public static async Task<int> RunAsync(TimeSpan duration, int changesPerSecond)
    {
        await using var gateway = await BenchGateway.StartAsync();
        await gateway.CreateAccountsAsync("lag", Accounts, "FR", concurrency: 16);

        await Task.Delay(TimeSpan.FromSeconds(2));
        var lags = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PropagationMetrics.MeterName && instrument.Name == "consent.propagation.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value));
        listener.Start();

        var total = (int)(duration.TotalSeconds * changesPerSecond);
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / changesPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var n = i;
            sends.Add(Task.Run(async () =>
            {
                using var response = await gateway.ToggleAsync("lag", n % Accounts, n / Accounts, CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }));
        }

        await Task.WhenAll(sends);
        var sent = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(5));
        listener.Dispose();

        var sorted = lags.Order().ToArray();
        Console.WriteLine($"{total} changes in {sent.TotalSeconds:F1} s ({total / sent.TotalSeconds:F0}/s), {failures} failed, {sorted.Length} projections measured");
        Console.WriteLine($"propagation lag (accepted -> projected): p50 {Percentile(sorted, 0.50):F1} ms, p90 {Percentile(sorted, 0.90):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms, max {sorted[^1]:F1} ms");
        return 0;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
