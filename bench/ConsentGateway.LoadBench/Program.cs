using ConsentGateway.LoadBench;

// Load benchmarks against real parts (Azurite, Kestrel) on this machine; see bench/README.md.
//   dotnet run -c Release --project bench/ConsentGateway.LoadBench -- setting-writes [seconds] [concurrency]
var scenario = args.Length > 0 ? args[0] : "setting-writes";
var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
var concurrency = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 16;

return scenario switch
{
    "setting-writes" => await SettingWritesBenchmark.RunAsync(TimeSpan.FromSeconds(seconds), concurrency),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench setting-writes [seconds=10] [concurrency=16]");
    return 2;
}
