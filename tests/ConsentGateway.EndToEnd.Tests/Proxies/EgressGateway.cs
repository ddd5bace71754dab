using System.Diagnostics;
using System.Text.Json.Nodes;
using ConsentGateway.Testing;

namespace ConsentGateway.EndToEnd.Tests.Proxies;

/// <summary>
/// The gateway the egress proxies ask in these tests: the self-host on the shipped policy plus
/// the two partners of the nginx template's partnership-B example (example-advertiser, an
/// advertiser, reached via example-processor, a processor, both in app-campaign-measurement),
/// which the shipped policy does not name.
/// </summary>
public sealed class EgressGateway : GatewayServer
{
    private static readonly Lazy<string> Policy = new(WritePolicy);

    public EgressGateway() => PolicyPath = Policy.Value;

    private static string WritePolicy()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "src", "ConsentGateway.Core", "Policy", "default-policy.json")))!;
        var partners = document["partners"]!.AsArray();
        partners.Add(new JsonObject { ["id"] = "example-advertiser", ["partnership"] = "app-campaign-measurement", ["role"] = "advertiser", ["displayName"] = new JsonObject { ["en"] = "Example Advertiser" } });
        partners.Add(new JsonObject { ["id"] = "example-processor", ["partnership"] = "app-campaign-measurement", ["role"] = "processor", ["displayName"] = new JsonObject { ["en"] = "Example Processor" } });
        var path = Path.Combine(AppContext.BaseDirectory, "egress-e2e-policy.json");
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }
}

internal static class Poll
{
    /// <summary>
    /// Checks <paramref name="condition"/> every 50 ms until it holds, failing once
    /// <paramref name="within"/> has passed without it (with <paramref name="describe"/>'s
    /// account of the last attempt); returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(TimeSpan within, Func<Task<bool>> condition, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < within, $"not reached within {within}: {describe()}");
            await Task.Delay(50);
        }

        return clock.Elapsed;
    }
}

/// <summary>Disposes a gateway that a test starts (and maybe stops) itself.</summary>
internal sealed class OwnedGateway(GatewayServer gateway) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await gateway.DisposeAsync();
}
