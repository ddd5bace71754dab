using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ConsentGateway.Contracts;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// Concurrent writers of the partner-sharing setting, as the account service: each sets a random
/// account (of <paramref name="userIds"/>) to a random value, over and over, until stopped,
/// keeping every change the API answered 2xx. A request without an answer (the server died
/// under it, or is down) is counted, not kept: it may or may not have landed.
/// </summary>
internal sealed class SettingWriters(GatewayServer server, IReadOnlyList<string> userIds, int seed) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task[] _writers = [];
    private int _unanswered;
    private int _refused;

    public ConcurrentBag<Acknowledgement> Acknowledged { get; } = [];

    /// <summary>Requests that got no answer.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Requests answered with an error status.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void Start(int writers) =>
        _writers = [.. Enumerable.Range(0, writers).Select(writer => Task.Run(() => WriteAsync(writer)))];

    /// <summary>Stops the writers and waits for them: once it returns, <see cref="Acknowledged"/> is final.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WriteAsync(int writer)
    {
        var random = new Random(seed + writer + 1);
        using var client = server.AccountService();
        client.Timeout = TimeSpan.FromSeconds(10);
        while (!_stop.IsCancellationRequested)
        {
            var userId = userIds[random.Next(userIds.Count)];
            var enabled = random.Next(2) == 0;
            try
            {
                // Never canceled once sent: an answer that arrives is always kept.
                using var response = await client.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", GatewayServer.Json($$"""{"enabled":{{(enabled ? "true" : "false")}}}"""), CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _refused);
                    await Task.Delay(20, CancellationToken.None);
                    continue;
                }

                var state = (await response.Content.ReadFromJsonAsync<SettingResponse>(CancellationToken.None))!;
                Assert.Equal(enabled, state.Enabled);
                Acknowledged.Add(new Acknowledgement(userId, state.Version, state.Enabled));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException)
            {
                // No answer, or half of one.
                Interlocked.Increment(ref _unanswered);
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    /// <summary>One acknowledged change: the API answered 2xx with this version and value.</summary>
    public sealed record Acknowledgement(string UserId, long Version, bool Enabled);
}
