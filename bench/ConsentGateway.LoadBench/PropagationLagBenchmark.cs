using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ConsentGateway.Core.Propagation;

namespace ConsentGateway.LoadBench;

/// <summary>
/// Propagation lag on the self-host under a steady rate of setting changes: each change is
/// sent at its scheduled time (open loop, so a slow gateway cannot slow the load down), and
/// the lag is read from the gateway's own <c>consent.propagation.lag</c> histogram (accepted →
/// projected), captured with a <see cref="MeterListener"/>. With an attacker, one more account
/// links that many devices first and toggles its own setting once a second throughout (its
/// own notices are in the histogram too, so the figure is if anything pessimistic).
/// </summary>
internal static class PropagationLagBenchmark
{
    private const int Accounts = 200;

    public static async Task<int> RunAsync(BenchStore store, TimeSpan duration, int changesPerSecond, int attackerDevices)
    {
        await using var gateway = await BenchGateway.StartAsync(store);
        await gateway.CreateAccountsAsync("lag", Accounts, "FR", concurrency: 16);
        if (attackerDevices > 0)
        {
            await gateway.CreateAccountsAsync("attacker", 1, "FR", concurrency: 1);
            await gateway.LinkDevicesAsync("attacker-0", attackerDevices, concurrency: 16);
        }

        var lags = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PropagationMetrics.MeterName && instrument.Name == "consent.propagation.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        // The histogram is in seconds (OpenTelemetry's unit of durations); the figures are printed in ms.
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value * 1000));
        listener.Start();

        // The setup's own notices (accounts, the attacker's links) are projected before the load:
        // a second without a projection, then only the load's are measured.
        do
        {
            lags.Clear();
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        while (!lags.IsEmpty);

        var total = (int)(duration.TotalSeconds * changesPerSecond);
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var attacker = attackerDevices > 0 ? ToggleOncePerSecondAsync(gateway, stop.Token) : Task.CompletedTask;
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
        await stop.CancelAsync();
        await attacker;
        await Task.Delay(TimeSpan.FromSeconds(5));
        listener.Dispose();

        var sorted = lags.Order().ToArray();
        Console.WriteLine($"{total} changes in {sent.TotalSeconds:F1} s ({total / sent.TotalSeconds:F0}/s), {failures} failed, {sorted.Length} projections measured"
            + (attackerDevices > 0 ? $", while one account with {attackerDevices} linked devices toggled once a second" : ""));
        Console.WriteLine($"{store}: propagation lag (accepted -> projected): p50 {Percentile(sorted, 0.50):F1} ms, p90 {Percentile(sorted, 0.90):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms, max {sorted[^1]:F1} ms");
        return 0;
    }

    private static async Task ToggleOncePerSecondAsync(BenchGateway gateway, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var round = 0L;
        try
        {
            do
            {
                using var response = await gateway.ToggleAsync("attacker", 0, round++, CancellationToken.None);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The load is over.
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
