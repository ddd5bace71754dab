using System.Diagnostics;
using Azure.Data.Tables;
using ConsentGateway.Testing;

namespace ConsentGateway.LoadBench;

/// <summary>
/// Setting changes per second through the self-hosted server (HTTP, JWT, use case, intent
/// log, history insert, in-process notice) against bare durable writes to the same store, in
/// the same run, with the same number of concurrent callers: on Azurite bare <c>UpsertEntity</c>
/// calls, on SQLite bare inserts into the gateway's own file, each its own transaction
/// (<see cref="SqliteBareInserts"/>, serialized on one connection; one more phase with one
/// connection per caller, for reference). Phases alternate bare, gateway, bare, gateway, so
/// drift in the machine shows up rather than biasing one side.
/// </summary>
internal static class SettingWritesBenchmark
{
    private const int Accounts = 1_000;

    public static async Task<int> RunAsync(BenchStore store, TimeSpan phase, int concurrency)
    {
        await using var gateway = await BenchGateway.StartAsync(store);
        Console.WriteLine($"Creating {Accounts} accounts...");
        await gateway.CreateAccountsAsync("bench", Accounts, "DE", concurrency);

        using var sqliteBare = gateway.SqlitePath is { } path ? SqliteBareInserts.Open(path, connections: 1) : null;
        Func<int, long, CancellationToken, Task<long>> bare = sqliteBare is not null ? sqliteBare.InsertAsync : await BareUpsertsAsync(gateway.Azurite!);
        var bareName = sqliteBare is not null ? "bare inserts (1 connection):" : "bare upserts:               ";

        async Task<long> Gateway(int worker, long i, CancellationToken ct)
        {
            using var response = await gateway.ToggleAsync("bench", (worker * 7919 + i) % Accounts, i, ct);
            response.EnsureSuccessStatusCode();
            return 1;
        }

        // Warm both paths (JIT, connections) before measuring.
        await MeasureAsync(bare, TimeSpan.FromSeconds(2), concurrency);
        await MeasureAsync(Gateway, TimeSpan.FromSeconds(2), concurrency);

        var bareRates = new List<double>();
        var gatewayRates = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            bareRates.Add(await MeasureAsync(bare, phase, concurrency));
            Console.WriteLine($"{bareName} {bareRates[^1],8:F0} /s");
            gatewayRates.Add(await MeasureAsync(Gateway, phase, concurrency));
            Console.WriteLine($"setting changes via gateway: {gatewayRates[^1],8:F0} /s");
        }

        var ratio = gatewayRates.Average() / bareRates.Average();
        Console.WriteLine($"{store}: ratio (gateway / bare), mean of {bareRates.Count} rounds: {ratio:F2}  [{concurrency} concurrent callers, {phase.TotalSeconds:F0} s phases, {Environment.ProcessorCount} cores]");
        if (gateway.SqlitePath is { } file)
        {
            using var perCaller = SqliteBareInserts.Open(file, connections: concurrency);
            var rate = await MeasureAsync(perCaller.InsertAsync, phase, concurrency);
            Console.WriteLine($"for reference, bare inserts with one connection per caller ({perCaller.Connections}): {rate,8:F0} /s");
        }

        return 0;
    }

    /// <summary>On Azurite: one <c>UpsertEntity</c> (replace) of an account-sized entity per call, into a table of its own.</summary>
    private static async Task<Func<int, long, CancellationToken, Task<long>>> BareUpsertsAsync(AzuriteServer azurite)
    {
        var table = azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("bare"));
        await table.CreateAsync();
        return async (worker, i, ct) =>
        {
            var entity = new TableEntity($"bench-{(worker * 7919 + i) % Accounts}", "account") { ["Setting"] = i % 2 == 0, ["SettingVersion"] = i };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
            return 1;
        };
    }

    private static async Task<double> MeasureAsync(Func<int, long, CancellationToken, Task<long>> operation, TimeSpan duration, int concurrency)
    {
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            long done = 0;
            try
            {
                for (long i = 0; !stop.IsCancellationRequested; i++)
                {
                    done += await operation(worker, i, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // The phase ended mid-call; that call does not count.
            }

            return done;
        })));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }
}
