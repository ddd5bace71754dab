using ConsentGateway.LoadBench;

// Load benchmarks against real parts (Azurite, Kestrel) on this machine; see bench/README.md.
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- setting-writes [seconds=10] [concurrency=16]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- propagation-lag [seconds=60] [changes/s=200] [attacker devices=0]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- account-read [accounts=200] [changes each=60] [devices of one=400]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- check [seconds=15] [connections=64] [accounts=1000] [bound s=5]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- batch [seconds=15] [connections=4] [bound s=5]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- check-scale [seconds=15] [connections=64] [bound s=600] [accounts=100000]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- egress-proxy [seconds=10] [connections=1]
var scenario = args.Length > 0 ? args[0] : "setting-writes";
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;

return scenario switch
{
    "setting-writes" => await SettingWritesBenchmark.RunAsync(TimeSpan.FromSeconds(Arg(1, 10)), Arg(2, 16)),
    "propagation-lag" => await PropagationLagBenchmark.RunAsync(TimeSpan.FromSeconds(Arg(1, 60)), Arg(2, 200), Arg(3, 0)),
    "check" => await EvaluationBenchmark.CheckAsync(TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 64), Arg(3, 1000), TimeSpan.FromSeconds(Arg(4, 5))),
    "batch" => await EvaluationBenchmark.BatchAsync(TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 4), TimeSpan.FromSeconds(Arg(3, 5))),
    "check-scale" => await EvaluationBenchmark.ScaleAsync(TimeSpan.FromSeconds(Arg(1, 15)), Arg(2, 64), TimeSpan.FromSeconds(Arg(3, 600)), Arg(4, 100_000)),
    "account-read" => await AccountReadBenchmark.RunAsync(Arg(1, 200), Arg(2, 60), Arg(3, 400)),
    "egress-proxy" => await EgressProxyBenchmark.RunAsync(TimeSpan.FromSeconds(Arg(1, 10)), Arg(2, 1)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench setting-writes [seconds=10] [concurrency=16] | propagation-lag [seconds=60] [changes/s=200] [attacker devices=0]"
        + " | account-read [accounts=200] [changes each=60] [devices of one=400]"
        + " | check [seconds=15] [connections=64] [accounts=1000] [bound s=5] | batch [seconds=15] [connections=4] [bound s=5] | check-scale [seconds=15] [connections=64] [bound s=600] [accounts=100000]"
        + " | egress-proxy [seconds=10] [connections=1]");
    return 2;
}
