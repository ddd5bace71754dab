using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConsentGateway.Contracts;
using ConsentGateway.Server;
using ConsentGateway.Testing;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// The real self-host on Table Storage whose store is not there: started while Azurite cannot be
/// reached (behind a broken <see cref="TcpForwarder"/>), it stays up, live but not ready, and answers
/// writes 503 <c>store-unavailable</c> with <c>Retry-After</c>; once the store answers, it creates the
/// tables and serves. An in-memory Azurite that restarts empty gets its tables back on the next write.
/// </summary>
public sealed partial class StoreDownAtStartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Started_while_the_store_is_down_it_is_live_not_ready_refuses_writes_with_503_and_serves_once_the_store_answers()
    {
        TcpForwarder? through = null;
        await using var server = new GatewayServer
        {
            Storage = StorageProvider.TableStorage,
            RouteStorage = connectionString =>
            {
                through = new TcpForwarder(int.Parse(EndpointPort().Match(connectionString).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                through.Break();
                return EndpointPort().Replace(connectionString, $"TableEndpoint=http://127.0.0.1:{through.Port}/");
            },
        };
        await server.InitializeAsync();
        await using var forwarder = through!;
        using var anonymous = server.Client(token: null);

        var live = await HealthAsync(anonymous, ApiRoutes.HealthLivePath);
        var notReady = await HealthAsync(anonymous, ApiRoutes.HealthReadyPath);
        using var service = server.AccountService();
        using (var refused = await service.PutAsync("/api/v1/accounts/u-down-at-start", Json("""{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains(ProblemCodes.StoreUnavailable, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        forwarder.Restore();
        var ready = await EventuallyAsync(() => HealthAsync(anonymous, ApiRoutes.HealthReadyPath), answer => answer.Status == HttpStatusCode.OK);
        var userId = await server.CreateAccountAsync("DE", enabled: true);

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.Equal("Unhealthy", notReady.Checks["store"]);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(() => server.CheckGoogleIpAsync(userId), status => status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task An_in_memory_store_that_restarts_empty_gets_its_tables_back_and_writes_succeed()
    {
        await using var server = new GatewayServer { Storage = StorageProvider.TableStorage };
        await server.InitializeAsync();
        await server.CreateAccountAsync("DE", enabled: false);

        await server.Azurite.RestartEmptyAsync();
        var statuses = new List<HttpStatusCode>();
        using var service = server.AccountService();
        var userId = "u-after-restart-" + Guid.NewGuid().ToString("N");
        var registered = await EventuallyAsync(
            async () =>
            {
                using var response = await service.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}"""));
                statuses.Add(response.StatusCode);
                return response.StatusCode;
            },
            status => status is not HttpStatusCode.ServiceUnavailable);
        using var user = server.User(userId);
        using var enabled = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}"""));

        Assert.True(registered is HttpStatusCode.OK or HttpStatusCode.Created, $"the registration after the restart answered {registered}");
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(() => server.CheckGoogleIpAsync(userId), status => status == HttpStatusCode.OK));
    }

    private static async Task<Health> HealthAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!);
        return new Health(response.StatusCode, checks);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTimeOffset.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex EndpointPort();

    private sealed record Health(HttpStatusCode Status, Dictionary<string, string> Checks);
}
