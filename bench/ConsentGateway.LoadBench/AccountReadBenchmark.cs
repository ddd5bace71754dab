using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;

namespace ConsentGateway.LoadBench;

/// <summary>
/// What one account read (<see cref="TableAccountStore.FindAsync"/>, the projector's read for
/// every account notice) costs on Azurite, sequentially from one client: for an ordinary account
/// and for one with many linked devices, in a table the size of the end of a
/// <c>propagation-lag 60 200 400</c> run. Azurite answers a query by scanning the whole table on
/// its single thread, so both the request count and the table size matter.
/// </summary>
internal static class AccountReadBenchmark
{
    private const int Reads = 200;

    public static async Task<int> RunAsync(int accounts, int history, int devices)
    {
        await using var azurite = new AzuriteServer();
        await azurite.InitializeAsync();
        var requests = new RequestCounter();
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var table = new TableServiceClient(azurite.ConnectionString, options).GetTableClient(AzuriteServer.UniqueTableName("accounts"));
        await table.CreateAsync();
        var store = new TableAccountStore(table);
        var now = DateTimeOffset.UtcNow;
        var country = CountryCode.Parse("FR");
        string[] users = [.. Enumerable.Range(0, accounts).Select(i => $"lag-{i}"), "attacker-0"];
        foreach (var user in users)
        {
            await store.TryWriteAccountAsync(new AccountRecord(user, country, now, 1, null, 0, null, Deleted: false, ConcurrencyToken: null), null, default);
            for (var version = 1; version <= history; version++)
            {
                await store.TryAppendChangeAsync(user, new SettingChange(version, version % 2 == 0, now, ChangeChannel.User, "bench"), default);
            }
        }

        for (var device = 0; device < devices; device++)
        {
            await store.AddDeviceLinkAsync("attacker-0", $"attacker-0-device-{device}", now, default);
        }

        Console.WriteLine($"{users.Length} accounts with {history} changes each, one with {devices} linked devices: {users.Length * (history + 1) + devices} rows");
        foreach (var user in new[] { users[0], "attacker-0", users[0], "attacker-0" })
        {
            for (var i = 0; i < 20; i++)
            {
                await store.FindAsync(user, default);
            }

            var before = requests.Count;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Reads; i++)
            {
                await store.FindAsync(user, default);
            }

            Console.WriteLine($"  FindAsync({user}): {clock.Elapsed.TotalMilliseconds / Reads:F2} ms, {(double)(requests.Count - before) / Reads:F0} request(s)");
        }

        return 0;
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => _count;

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
