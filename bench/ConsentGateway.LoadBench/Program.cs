using ConsentGateway.LoadBench;

// Load benchmarks against real parts (Azurite, Kestrel) on this machine; see bench/README.md.
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- setting-writes [seconds=10] [concurrency=16]
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- propagation-lag [seconds=60] [changes/s=200]
var scenario = args.Length > 0 ? args[0] : "setting-writes";
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;

return scenario switch
{
    "setting-writes" => await SettingWritesBenchmark.RunAsync(TimeSpan.FromSeconds(Arg(1, 10)), Arg(2, 16)),
    "propagation-lag" => await PropagationLagBenchmark.RunAsync(TimeSpan.FromSeconds(Arg(1, 60)), Arg(2, 200)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench setting-writes [seconds=10] [concurrency=16] | propagation-lag [seconds=60] [changes/s=200]");
    return 2;
}
