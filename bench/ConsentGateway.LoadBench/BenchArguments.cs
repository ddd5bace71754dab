using System.Globalization;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The command line: a scenario, its positional numbers, and <c>--store sqlite|table|both</c>
/// anywhere (default <c>sqlite</c>, the self-host's default store; <c>both</c> runs the scenario
/// on SQLite, then on Azurite, in one process).
/// </summary>
internal sealed class BenchArguments
{
    private const string StoreOption = "--store";

    private readonly string[] _positional;

    private BenchArguments(string scenario, string[] positional, IReadOnlyList<BenchStore> stores)
    {
        Scenario = scenario;
        _positional = positional;
        Stores = stores;
    }

    public string Scenario { get; }

    public IReadOnlyList<BenchStore> Stores { get; }

    /// <summary>The scenario's <paramref name="index"/>-th number (1 is the first after the scenario).</summary>
    public int Number(int index, int fallback) => _positional.Length > index ? int.Parse(_positional[index], CultureInfo.InvariantCulture) : fallback;

    /// <summary>The parsed command line, or <c>null</c> when <c>--store</c> has no or an unknown value.</summary>
    public static BenchArguments? Parse(string[] args)
    {
        var positional = new List<string>();
        IReadOnlyList<BenchStore> stores = [BenchStore.Sqlite];
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != StoreOption)
            {
                positional.Add(args[i]);
                continue;
            }

            if (++i == args.Length)
            {
                return null;
            }

            switch (args[i].ToUpperInvariant())
            {
                case "SQLITE":
                    stores = [BenchStore.Sqlite];
                    break;
                case "TABLE":
                    stores = [BenchStore.Table];
                    break;
                case "BOTH":
                    stores = [BenchStore.Sqlite, BenchStore.Table];
                    break;
                default:
                    return null;
            }
        }

        return new BenchArguments(positional.Count > 0 ? positional[0] : "setting-writes", [.. positional], stores);
    }
}
