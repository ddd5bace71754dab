using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using ConsentGateway.Http;
using ConsentGateway.Server;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.LoadBench;

/// <summary>
/// Setting changes per second through the self-hosted server (HTTP, JWT, use case, read +
/// entity-group transaction) against bare <c>UpsertEntity</c> calls on the same Azurite, in
/// the same run, with the same number of concurrent callers. Phases alternate bare, gateway,
/// bare, gateway, so drift in the machine shows up rather than biasing one side.
/// </summary>
internal static class SettingWritesBenchmark
{
    private const int Accounts = 1_000;

    public static async Task<int> RunAsync(TimeSpan phase, int concurrency)
    {
        await using var azurite = new AzuriteServer();
        await azurite.InitializeAsync();
        var signingKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        await using var app = ConsentServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Consent:Storage:ConnectionString", azurite.ConnectionString,
            "--Consent:Auth:Issuer", "bench",
            "--Consent:Auth:Audience", "bench",
            "--Consent:Auth:SigningKey", signingKey,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await app.StartAsync();
        var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var token = DevTokens.Create(new AuthOptions { Issuer = "bench", Audience = "bench", SigningKey = signingKey }, "bench", [Scopes.Accounts], TimeSpan.FromHours(1));
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Console.WriteLine($"Creating {Accounts} accounts...");
        await Parallel.ForEachAsync(Enumerable.Range(0, Accounts), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var response = await http.PutAsync($"/api/v1/accounts/bench-{i}", Body("""{"country":"DE","signedUpAt":"2021-01-01T00:00:00Z"}"""), ct);
            response.EnsureSuccessStatusCode();
        });

        var bare = azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("bare"));
        await bare.CreateAsync();

        async Task<long> Bare(int worker, long i, CancellationToken ct)
        {
            var entity = new TableEntity($"bench-{(worker * 7919 + i) % Accounts}", "account") { ["Setting"] = i % 2 == 0, ["SettingVersion"] = i };
            await bare.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
            return 1;
        }

        async Task<long> Gateway(int worker, long i, CancellationToken ct)
        {
            var enabled = i % 2 == 0 ? "true" : "false";
            using var response = await http.PutAsync($"/api/v1/accounts/bench-{(worker * 7919 + i) % Accounts}/partner-sharing", Body($$"""{"enabled":{{enabled}}}"""), ct);
            response.EnsureSuccessStatusCode();
            return 1;
        }

        // Warm both paths (JIT, connections) before measuring.
        await MeasureAsync(Bare, TimeSpan.FromSeconds(2), concurrency);
        await MeasureAsync(Gateway, TimeSpan.FromSeconds(2), concurrency);

        var bareRates = new List<double>();
        var gatewayRates = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            bareRates.Add(await MeasureAsync(Bare, phase, concurrency));
            Console.WriteLine($"bare upserts:                {bareRates[^1],8:F0} /s");
            gatewayRates.Add(await MeasureAsync(Gateway, phase, concurrency));
            Console.WriteLine($"setting changes via gateway: {gatewayRates[^1],8:F0} /s");
        }

        var ratio = gatewayRates.Average() / bareRates.Average();
        Console.WriteLine($"ratio (gateway / bare), mean of {bareRates.Count} rounds: {ratio:F2}  [{concurrency} concurrent callers, {phase.TotalSeconds:F0} s phases, {Environment.ProcessorCount} cores]");
        await app.StopAsync();
        return 0;
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

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
