using System.Net;
using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> on the real self-host: ready while every accepted
/// change is projected in time; a change whose projection keeps failing makes it degraded, then
/// not ready once the decision cache stops trusting what it holds, and ready again once projected.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly FailingProjectionWrites _writes = new();
    private readonly GatewayServer _server;

    public HealthTests()
    {
        _server = new GatewayServer { OverrideServices = services => services.Decorate<IProjectionStore>((inner, _) => _writes.Wrap(inner)) };
    }

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Readiness_follows_whether_accepted_changes_reach_the_decision_cache_in_time()
    {
        using var client = _server.Client(token: null);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(client, ApiRoutes.HealthLivePath));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await EventuallyAsync(client, HttpStatusCode.OK, "Healthy"));

        _writes.Fail = true;
        await _server.CreateAccountAsync("DE", enabled: true);
        var degraded = await EventuallyAsync(client, HttpStatusCode.OK, "Degraded");
        var notReady = await EventuallyAsync(client, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        var stillLive = await GetAsync(client, ApiRoutes.HealthLivePath);

        _writes.Fail = false;
        var readyAgain = await EventuallyAsync(client, HttpStatusCode.OK, "Healthy");

        Assert.Equal((HttpStatusCode.OK, "Degraded"), degraded);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), notReady);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), stillLive);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), readyAgain);
    }

    [Fact]
    public async Task Ready_answers_each_check_as_json_naming_the_policy_version_and_no_identifier()
    {
        var userId = await _server.CreateAccountAsync("DE", enabled: true);
        using var client = _server.Client(token: null);
        await EventuallyAsync(client, HttpStatusCode.OK, "Healthy");
        using var response = await client.GetAsync(ApiRoutes.HealthReadyPath);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["decision-cache", "policy", "propagation", "store"],
            checks.EnumerateObject().Select(check => check.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), check => Assert.Equal("Healthy", check.Value.GetProperty("status").GetString()));
        Assert.Contains(_server.Services.GetRequiredService<PolicyInForce>().Current.Version, checks.GetProperty("policy").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(userId, body, StringComparison.Ordinal);
    }

    // The overall status of the JSON answer.
    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.GetProperty("status").GetString()!);
    }

    // The bound is 5 s: a failing change makes the cache degraded after 3.75 s + 0.6 s, not ready after 5 s.
    private static async Task<(HttpStatusCode, string)> EventuallyAsync(HttpClient client, HttpStatusCode status, string text)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var answer = await GetAsync(client, ApiRoutes.HealthReadyPath);
            if (answer == (status, text) || DateTimeOffset.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Projection writes that can be made to fail, as a store refusing them would; reads go on.</summary>
    private sealed class FailingProjectionWrites
    {
        public volatile bool Fail;

        public IProjectionStore Wrap(IProjectionStore inner) => new Store(this, inner);

        private sealed class Store(FailingProjectionWrites writes, IProjectionStore inner) : IProjectionStore
        {
            public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken) => inner.GetAccountAsync(userId, cancellationToken);

            public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) => inner.GetDeviceAsync(adId, cancellationToken);

            public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                writes.Fail ? throw new IOException("projection writes refused (test)") : inner.TryPutAccountAsync(projection, expectedToken, cancellationToken);

            public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                writes.Fail ? throw new IOException("projection writes refused (test)") : inner.TryPutDeviceAsync(projection, expectedToken, cancellationToken);
        }
    }
}
