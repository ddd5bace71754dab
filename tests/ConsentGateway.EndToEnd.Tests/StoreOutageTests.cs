using System.Net;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// Fail closed on the real self-host: when the decision projection stops answering reads, a
/// subject held in memory still answers what it last was (nothing else was projected for it),
/// a change projected meanwhile drops it, and from then on, as for a subject never read, the
/// answer is a deny with STORE_UNAVAILABLE that no proxy may cache, never an allow.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private readonly SwitchableReads _reads = new();
    private readonly GatewayServer _server;

    public StoreOutageTests()
    {
        _server = new GatewayServer { OverrideServices = services => services.Decorate<IProjectionStore>((inner, _) => _reads.Wrap(inner)) };
    }

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task While_projection_reads_hang_a_revocation_turns_an_allow_into_a_store_unavailable_deny_never_an_allow()
    {
        var userId = await _server.CreateAccountAsync(country: "DE", enabled: true);
        var neverRead = await _server.CreateAccountAsync(country: "DE", enabled: true);
        using var proxy = _server.Proxy();
        await EventuallyAsync(proxy, userId, response => response.StatusCode == HttpStatusCode.OK);

        _reads.Hang = true;
        using (var held = await CheckAsync(proxy, userId))
        {
            Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        }

        using (var unknown = await CheckAsync(proxy, neverRead))
        {
            Assert.Equal((HttpStatusCode.Forbidden, "STORE_UNAVAILABLE"), (unknown.StatusCode, Reason(unknown)));
        }

        using (var user = _server.User(userId))
        {
            (await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", GatewayServer.Json("""{"enabled":false}"""))).EnsureSuccessStatusCode();
        }

        var failedClosed = await EventuallyAsync(proxy, userId, response => response.StatusCode != HttpStatusCode.OK);
        using (failedClosed)
        {
            Assert.Equal("STORE_UNAVAILABLE", Reason(failedClosed));
            Assert.Equal("deny", Header(failedClosed, "X-Consent-Decision"));
            Assert.Equal((true, TimeSpan.Zero), (failedClosed.Headers.CacheControl?.Private, failedClosed.Headers.CacheControl?.MaxAge));
        }

        // While the reads hang, every answer is that deny: the revoked account is never allowed again.
        for (var i = 0; i < 20; i++)
        {
            using var response = await CheckAsync(proxy, userId);
            Assert.Equal((HttpStatusCode.Forbidden, "STORE_UNAVAILABLE"), (response.StatusCode, Reason(response)));
        }

        using (var evaluated = await proxy.PostAsync("/api/v1/evaluate", GatewayServer.Json($$"""{"partner":"google","subject":{"userId":"{{userId}}"},"data":["ip_address"]}""")))
        {
            var body = await evaluated.Content.ReadAsStringAsync();
            Assert.Contains("\"decision\":\"deny\"", body, StringComparison.Ordinal);
            Assert.Contains("\"reason\":\"STORE_UNAVAILABLE\"", body, StringComparison.Ordinal);
            Assert.Contains("\"ttlSeconds\":0", body, StringComparison.Ordinal);
        }

        _reads.Hang = false;
        using var revoked = await EventuallyAsync(proxy, userId, response => Reason(response) == "SETTING_DISABLED");
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
    }

    private static Task<HttpResponseMessage> CheckAsync(HttpClient proxy, string userId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
        request.Headers.Add("X-Consent-Partner", "google");
        request.Headers.Add("X-Consent-User", userId);
        request.Headers.Add("X-Consent-Data", "ip_address");
        return proxy.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> EventuallyAsync(HttpClient proxy, string userId, Func<HttpResponseMessage, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await CheckAsync(proxy, userId);
            if (condition(response) || DateTimeOffset.UtcNow > deadline)
            {
                Assert.True(condition(response), $"Still {response.StatusCode} {Reason(response)} after 30 s.");
                return response;
            }

            response.Dispose();
            await Task.Delay(50);
        }
    }

    private static string? Reason(HttpResponseMessage response) => Header(response, "X-Consent-Reason");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    /// <summary>Projection reads that can be made to hang (until the caller's timeout) while writes go on.</summary>
    private sealed class SwitchableReads
    {
        public volatile bool Hang;

        public IProjectionStore Wrap(IProjectionStore inner) => new Store(this, inner);

        private sealed class Store(SwitchableReads reads, IProjectionStore inner) : IProjectionStore
        {
            public async Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken)
            {
                await reads.WaitWhileHangingAsync(cancellationToken);
                return await inner.GetAccountAsync(userId, cancellationToken);
            }

            public async Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken)
            {
                await reads.WaitWhileHangingAsync(cancellationToken);
                return await inner.GetDeviceAsync(adId, cancellationToken);
            }

            public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                inner.TryPutAccountAsync(projection, expectedToken, cancellationToken);

            public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                inner.TryPutDeviceAsync(projection, expectedToken, cancellationToken);
        }

        private Task WaitWhileHangingAsync(CancellationToken cancellationToken) =>
            Hang ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.CompletedTask;
    }
}
