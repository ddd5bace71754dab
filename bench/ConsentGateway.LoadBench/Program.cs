using ConsentGateway.LoadBench;

// Load benchmarks against real parts (SQLite or Azurite, Kestrel) on this machine; see bench/README.md.
// Every scenario but seed-sqlite takes --store sqlite|table|both (default sqlite: a fresh temp file, deleted after;
// table: an in-memory Azurite; both: SQLite, then Azurite, in one run).
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- setting-writes [seconds=10] [concurrency=16]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- propagation-lag [seconds=60] [changes/s=200] [attacker devices=0]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- account-read [accounts=200] [changes each=60] [devices of one=400]   (always Azurite)
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- check [seconds=15] [connections=64] [accounts=1000] [bound s=5]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- batch [seconds=15] [connections=4] [bound s=5]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- check-scale [seconds=15] [connections=64] [bound s=5] [accounts=100000]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- revocation [seconds=30] [load connections=16]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- cold-isolation [seconds=15] [connections=32]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- egress-proxy [seconds=10] [connections=1]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- watch-lag [seconds=30] [changes/s=100]   (always Azurite)
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- cache-memory [subjects=1000000]   (in memory, no store)
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- seed-sqlite [accounts=1000000] [history entries=1000000] [read seconds=10]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- policy-impact [accounts=100000] [devices=100000]   (always SQLite)
var arguments = BenchArguments.Parse(args);
if (arguments is null)
{
    return Usage();
}

int Arg(int index, int fallback) => arguments.Number(index, fallback);

if (arguments.Scenario == "seed-sqlite")
{
    return await SqliteSeedBenchmark.RunAsync(Arg(1, 1_000_000), Arg(2, 1_000_000), TimeSpan.FromSeconds(Arg(3, 10)));
}

if (arguments.Scenario == "policy-impact")
{
    return await PolicyImpactBenchmark.RunAsync(Arg(1, 100_000), Arg(2, 100_000));
}

if (arguments.Scenario == "cache-memory")
{
    return await CacheMemoryBenchmark.RunAsync(Arg(1, 1_000_000));
}

if (arguments.Scenario == "watch-lag")
{
    return await WatchLagBenchmark.RunAsync(TimeSpan.FromSeconds(Arg(1, 30)), Arg(2, 100));
}

if (arguments.Scenario == "account-read")
{
    return await AccountReadBenchmark.RunAsync(Arg(1, 200), Arg(2, 60), Arg(3, 400));
}

var exit = 0;
foreach (var store in arguments.Stores)
{
    exit |= arguments.Scenario switch
    {
        "setting-writes" => await SettingWritesBenchmark.RunAsync(store, TimeSpan.FromSeconds(Arg(1, 10)), Arg(2, 16)),
        "propagation-lag" => await PropagationLagBenchmark.RunAsync(store, TimeSpan.FromSeconds(Arg(1, 60)), Arg(2, 200), Arg(3, 0)),
        "check" => await EvaluationBenchmark.CheckAsync(store, TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 64), Arg(3, 1000), TimeSpan.FromSeconds(Arg(4, 5))),
        "batch" => await EvaluationBenchmark.BatchAsync(store, TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 4), TimeSpan.FromSeconds(Arg(3, 5))),
        "check-scale" => await EvaluationBenchmark.ScaleAsync(store, TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 64), TimeSpan.FromSeconds(Arg(3, 5)), Arg(4, 100_000)),
        "revocation" => await FreshnessBenchmark.RevocationAsync(store, TimeSpan.FromSeconds(Arg(1, 30)), Arg(2, 16)),
        "cold-isolation" => await FreshnessBenchmark.ColdIsolationAsync(store, TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 32)),
        "egress-proxy" => await EgressProxyBenchmark.RunAsync(store, TimeSpan.FromSeconds(Arg(1, 10)), Arg(2, 1)),
        _ => Usage(),
    };
}

return exit;

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench SCENARIO [numbers] [--store sqlite|table|both]   (default store: sqlite, a fresh temp file)");
    Console.Error.WriteLine("  setting-writes [seconds=10] [concurrency=16] | propagation-lag [seconds=60] [changes/s=200] [attacker devices=0]"
        + " | account-read [accounts=200] [changes each=60] [devices of one=400] (always Azurite)"
        + " | check [seconds=15] [connections=64] [accounts=1000] [bound s=5] | batch [seconds=15] [connections=4] [bound s=5] | check-scale [seconds=15] [connections=64] [bound s=5] [accounts=100000]"
        + " | revocation [seconds=30] [load connections=16] | cold-isolation [seconds=15] [connections=32]"
        + " | egress-proxy [seconds=10] [connections=1] | watch-lag [seconds=30] [changes/s=100] (always Azurite) | cache-memory [subjects=1000000] (no store) | seed-sqlite [accounts=1000000] [history entries=1000000] [read seconds=10] (always SQLite)"
        + " | policy-impact [accounts=100000] [devices=100000] (always SQLite)");
    return 2;
}
