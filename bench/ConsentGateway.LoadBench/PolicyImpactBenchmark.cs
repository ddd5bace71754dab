using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Impact;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using Microsoft.Extensions.Options;

namespace ConsentGateway.LoadBench;

/// <summary>
/// Impact analysis at size on the embedded store: a fresh SQLite file with account projections
/// (EEA and elsewhere, signed up around the cut-off, enabled, disabled or default) and device
/// projections (one or two linked accounts, a tenth with none), then <see cref="PolicyImpactAnalysis"/>
/// of a candidate that moves the cut-off a year earlier and adds a partner, as `policy diff`
/// runs it; prints its time, the process's peak working set and the managed heap after it.
/// </summary>
internal static class PolicyImpactBenchmark
{
    private const int InFlight = 256;

    private static readonly string[] Countries = ["DE", "FR", "GB", "US", "BR", "JP"];
    private static readonly DateTimeOffset Cutoff = new(2020, 4, 6, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int accounts, int devices)
    {
        var path = BenchFiles.NewSqlitePath();
        Console.WriteLine($"store: SQLite, fresh file {path}; {accounts} account and {devices} device projections; {Environment.ProcessorCount} cores");
        try
        {
            await using (var database = SqliteDatabase.Open(path))
            {
                var clock = Stopwatch.StartNew();
                await SeedAsync(new SqliteProjectionStore(database), accounts, devices);
                Console.WriteLine(Invariant($"seeded in {clock.Elapsed.TotalSeconds:F1} s; file {BenchFiles.SizeOf(path):N0} bytes"));
            }

            await using (var database = SqliteDatabase.Open(path))
            {
                var store = new SqliteProjectionStore(database);
                var analysis = new PolicyImpactAnalysis(store, store, Options.Create(new AccountsOptions()));
                GC.Collect();
                var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var report = await analysis.AnalyseAsync(PolicyLoader.LoadDefault(), Candidate(), id => id[..4], CancellationToken.None);
                var elapsed = clock.Elapsed.TotalSeconds;
                var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var heapAfter = GC.GetTotalMemory(forceFullCollection: false);
                using var process = Process.GetCurrentProcess();
                Console.WriteLine(Invariant(
                    $"impact analysis: {report.Accounts:N0} accounts + {report.Devices:N0} devices in {elapsed:F2} s ({(report.Accounts + report.Devices) / elapsed:F0} subjects/s), CPU {used:F1} s; {report.Rows.Count} rows, {report.Rows.Sum(row => row.Count):N0} flips"));
                Console.WriteLine(Invariant($"memory: managed heap {heapBefore / 1e6:F1} MB before, {heapAfter / 1e6:F1} MB after; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB"));
            }

            return 0;
        }
        finally
        {
            BenchFiles.DeleteSqlite(path);
        }
    }

    private static async Task SeedAsync(SqliteProjectionStore store, int accounts, int devices)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, ct) =>
        {
            var setting = (i % 3) switch { 0 => true, 1 => false, _ => (bool?)null };
            var projection = new AccountProjection(UserId(i), true, CountryCode.Parse(Countries[i % Countries.Length]), Cutoff.AddDays((i % 1000) - 500), setting, 1, setting is null ? 0 : 1);
            _ = await store.TryPutAccountAsync(projection, null, ct) ?? throw new InvalidOperationException("An account projection was not written.");
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, devices), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, ct) =>
        {
            string[] linked = (i % 10) switch { 0 => [], 1 => [.. new[] { UserId(i % accounts), UserId((i + 1) % accounts) }.Distinct().Order(StringComparer.Ordinal)], _ => [UserId(i % accounts)] };
            _ = await store.TryPutDeviceAsync(new DeviceProjection($"device-{i:D7}", linked, linked.Length), null, ct) ?? throw new InvalidOperationException("A device projection was not written.");
        });
    }

    private static CompiledPolicy Candidate()
    {
        var document = JsonNode.Parse(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()))!;
        document["policyVersion"] = "bench-candidate";
        document["partnerships"]![0]!["signupCutoff"]!["before"] = "2019-04-06T00:00:00Z";
        document["partners"]!.AsArray().Add(new JsonObject { ["id"] = "new-platform", ["partnership"] = "ad-platforms", ["role"] = "controller", ["displayName"] = new JsonObject { ["en"] = "New Platform" } });
        return CompiledPolicy.Compile(PolicyLoader.Parse(document.ToJsonString()));
    }

    private static string UserId(int i) => $"user-{i:D7}";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
