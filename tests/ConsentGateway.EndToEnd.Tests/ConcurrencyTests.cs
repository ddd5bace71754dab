using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using ConsentGateway.Contracts;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>No lost updates between concurrent writers, and a complete history (SPEC §5).</summary>
public class ConcurrencyTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private const int Writers = 8;
    private const int TogglesPerWriter = 50;

    [Fact]
    public async Task Eight_writers_toggling_without_if_match_lose_nothing()
    {
        var userId = await server.CreateAccountAsync();
        var acknowledged = new ConcurrentBag<SettingResponse>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            using var client = server.User(userId);
            for (var i = 0; i < TogglesPerWriter; i++)
            {
                var enabled = (writer + i) % 2 == 0;
                using var response = await client.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json($$"""{"enabled":{{(enabled ? "true" : "false")}}}"""));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var state = (await response.Content.ReadFromJsonAsync<SettingResponse>())!;
                Assert.Equal(enabled, state.Enabled);
                acknowledged.Add(state);
            }
        })));

        var history = (await server.HistoryAsync(userId)).Changes;
        Assert.Equal(Writers * TogglesPerWriter, acknowledged.Count);

        // Every acknowledged write is in the history exactly once, with its value; versions are gapless.
        Assert.Equal(Enumerable.Range(1, Writers * TogglesPerWriter).Select(v => (long)v), history.Select(c => c.Version));
        Assert.Equal(
            acknowledged.OrderBy(a => a.Version).Select(a => (a.Version, (bool?)a.Enabled)),
            history.Select(c => (c.Version, c.Enabled)));

        // The final state is the last acknowledged write.
        using var reader = server.User(userId);
        var final = await reader.GetFromJsonAsync<SettingResponse>($"/api/v1/accounts/{userId}/partner-sharing");
        var last = acknowledged.MaxBy(a => a.Version)!;
        Assert.Equal((last.Version, last.Enabled), (final!.Version, final.Enabled));
    }

    [Fact]
    public async Task Writers_with_if_match_either_win_their_version_or_get_412()
    {
        var userId = await server.CreateAccountAsync();
        var won = new ConcurrentBag<long>();
        var refused = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            using var client = server.User(userId);
            for (var i = 0; i < 10; i++)
            {
                using var read = await client.GetAsync($"/api/v1/accounts/{userId}/partner-sharing");
                var seen = (await read.Content.ReadFromJsonAsync<SettingResponse>())!;
                using var write = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/accounts/{userId}/partner-sharing") { Content = Json($$"""{"enabled":{{(seen.Enabled ? "false" : "true")}}}""") };
                write.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.Tag);
                using var response = await client.SendAsync(write);
                if (response.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var state = (await response.Content.ReadFromJsonAsync<SettingResponse>())!;
                Assert.Equal(seen.Version + 1, state.Version);
                Assert.Equal(!seen.Enabled, state.Enabled);
                won.Add(state.Version);
            }
        })));

        var history = (await server.HistoryAsync(userId)).Changes;
        Assert.Equal(won.Order(), history.Select(c => c.Version));
        Assert.Equal(Writers * 10, won.Count + refused);

        // Read-modify-write with If-Match toggles strictly: each version flips the one before.
        Assert.All(Enumerable.Range(1, history.Count - 1), i => Assert.NotEqual(history[i - 1].Enabled, history[i].Enabled));
    }
}
