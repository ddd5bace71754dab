using System.Net;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Http;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>
/// SPEC §5 "No subject can slow others", on the real self-host: while proxy <c>tests</c> floods
/// the gateway with batches of never-seen accounts, proxy <c>limited</c> keeps asking about
/// accounts that allow, and must never be told no.
/// </summary>
public sealed class ColdReadIsolationTests : IAsyncLifetime
{
    private const int HotAccounts = 50;

    private readonly GatewayServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Another_proxys_cold_batches_cause_no_false_denies_for_hot_subjects()
    {
        var hot = await Task.WhenAll(Enumerable.Range(0, HotAccounts).Select(_ => _server.CreateAccountAsync("DE", enabled: true)));
        using var limited = _server.Proxy(_server.LimitedProxyKey);
        foreach (var userId in hot)
        {
            await EventuallyAllowedAsync(limited, userId);
        }

        using var flood = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var cold = Enumerable.Range(0, 4).Select(flooder => SendColdBatchesAsync(flooder, flood.Token)).ToList();
        var (asked, denied) = (0, 0);
        while (!flood.IsCancellationRequested)
        {
            var answers = await Task.WhenAll(hot.Select(userId => CheckAsync(limited, userId)));
            asked += answers.Length;
            denied += answers.Count(status => status != HttpStatusCode.OK);
        }

        var coldDecisions = (await Task.WhenAll(cold)).Sum();

        Assert.True(coldDecisions >= 4000, $"The flood sent {coldDecisions} cold questions; it must have run.");
        Assert.True(asked >= HotAccounts * 5, $"Only {asked} hot checks ran.");
        Assert.Equal(0, denied);
    }

    private async Task<int> SendColdBatchesAsync(int flooder, CancellationToken cancellationToken)
    {
        using var proxy = _server.Proxy();
        var sent = 0;
        for (var batch = 0; !cancellationToken.IsCancellationRequested; batch++)
        {
            var body = new StringBuilder("{\"requests\":[");
            for (var i = 0; i < EvaluationEndpoints.MaxBatchRequests; i++)
            {
                body.Append(i == 0 ? "" : ",").Append("{\"partner\":\"google\",\"subject\":{\"userId\":\"cold-").Append(flooder).Append('-').Append(batch).Append('-').Append(i).Append("\"},\"data\":[\"ip_address\"]}");
            }

            try
            {
                using var response = await proxy.PostAsync("/api/v1/evaluate/batch", GatewayServer.Json(body.Append("]}").ToString()), cancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                sent += EvaluationEndpoints.MaxBatchRequests;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        return sent;
    }

    private static async Task<HttpStatusCode> CheckAsync(HttpClient proxy, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
        request.Headers.Add(ConsentHeaders.Partner, GatewayServer.LimitedProxyPartner);
        request.Headers.Add(ConsentHeaders.User, userId);
        request.Headers.Add(ConsentHeaders.Data, "ip_address");
        using var response = await proxy.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task EventuallyAllowedAsync(HttpClient proxy, string userId)
    {
        for (var attempt = 0; attempt < 500 && await CheckAsync(proxy, userId) != HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(HttpStatusCode.OK, await CheckAsync(proxy, userId));
    }
}
