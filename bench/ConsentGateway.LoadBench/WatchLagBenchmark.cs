using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The change log on Table Storage (an in-memory Azurite) as a Functions instance watches it: a
/// writer appends changes at a steady rate while a <see cref="ChangeLogWatcher"/> polls at the
/// default interval; each change's lag is from its acknowledged append to the poll that gave it,
/// and every table query the watcher makes is counted.
/// </summary>
internal static class WatchLagBenchmark
{
    public static async Task<int> RunAsync(TimeSpan duration, int changesPerSecond)
    {
        await using var azurite = new AzuriteServer();
        await azurite.InitializeAsync();
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(AzuriteServer.UniqueTableName("changelog"));
        await table.CreateIfNotExistsAsync();
        var options = Options.Create(new ChangeLogOptions());
        var log = new TableChangeLog(table, TimeProvider.System, options, NullLogger<TableChangeLog>.Instance);
        var watched = new MeasuredLog(log);

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new EvaluationMetrics(services.GetRequiredService<IMeterFactory>());
        var cache = new SubjectCache(new InMemoryProjectionStore(), new InMemoryAccountStore(), new InMemoryDeviceStore(), TimeProvider.System,
            Options.Create(new EvaluationOptions()), Options.Create(new PropagationOptions()), Options.Create(new AccountsOptions()), metrics, NullLogger<SubjectCache>.Instance);
        var watcher = new ChangeLogWatcher(watched, cache, TimeProvider.System, options, NullLogger<ChangeLogWatcher>.Instance);
        await watcher.PollOnceAsync(default);

        using var stop = new CancellationTokenSource();
        var watching = watcher.RunAsync(stop.Token);
        var appended = 0;
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / changesPerSecond)))
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration && await timer.WaitForNextTickAsync())
            {
                var subject = string.Create(CultureInfo.InvariantCulture, $"user-{appended++}");
                await log.AppendAsync(new ProjectedChange(SubjectKind.Account, subject, new SubjectVersion(1, 1)), default);
                watched.Acknowledged(subject);
            }
        }

        await Task.Delay(options.Value.PollInterval * 3);
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);

        var lags = watched.Lags();
        lags.Sort();
        double At(double quantile) => lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(quantile * lags.Count) - 1)];
        var seconds = duration.TotalSeconds + (options.Value.PollInterval.TotalSeconds * 3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"watch of the Table Storage change log: {appended} changes at {changesPerSecond}/s, {lags.Count} seen; lag from append to poll p50 {At(0.5):F0} ms, p99 {At(0.99):F0} ms, max {lags[^1]:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"watcher reads: {watched.Reads} in {seconds:F0} s ({watched.Reads / seconds:F2}/s; poll interval {options.Value.PollInterval.TotalSeconds:F0} s, window {TableChangeLog.BucketLength.TotalSeconds:F0} s buckets x {TableChangeLog.ShardCount} shards)"));
        return lags.Count == appended ? 0 : 1;
    }

    /// <summary>Times each change from its acknowledged append to the first read that gives it, and counts reads.</summary>
    private sealed class MeasuredLog(IChangeLog inner) : IChangeLog
    {
        private readonly ConcurrentDictionary<string, long> _acknowledged = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
        private long _reads;

        public TimeSpan VisibilityLag => inner.VisibilityLag;

        public long Reads => Interlocked.Read(ref _reads);

        public void Acknowledged(string subject) => _acknowledged[subject] = Stopwatch.GetTimestamp();

        /// <summary>The lag of each acknowledged change that was seen (a read may give it before its append returns: 0).</summary>
        public List<double> Lags() =>
            [.. _acknowledged.Where(a => _seen.ContainsKey(a.Key)).Select(a => Math.Max(0, Stopwatch.GetElapsedTime(a.Value, _seen[a.Key]).TotalMilliseconds))];

        public Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken) => inner.AppendAsync(change, cancellationToken);

        public Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken) => inner.GetHeadAsync(cancellationToken);

        public async Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            var page = await inner.ReadAsync(position, maxChanges, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            foreach (var change in page.Changes)
            {
                _seen.TryAdd(change.SubjectId, now);
            }

            return page;
        }

        public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inner.PruneAsync(olderThan, cancellationToken);
    }
}
