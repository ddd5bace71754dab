using System.Net;
using System.Text.Json;
using ConsentGateway.Client;
using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>
/// The redacting proxy's <c>/health/live</c> and <c>/health/ready</c> on real Kestrel: ready while
/// its routes are configured and the gateway answers; the gateway's answer is shared by a storm of
/// probes; neither path reaches the partner.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private ProxyUnderTest _proxy = null!;
    private int _policyReads;

    public async Task InitializeAsync() => _proxy = await ProxyUnderTest.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Ready_names_the_routes_and_the_gateway_and_a_storm_of_probes_asks_the_gateway_once()
    {
        _proxy.Gateway.Policy = () =>
        {
            Interlocked.Increment(ref _policyReads);
            return FakeConsentGateway.KnownPolicy;
        };

        var live = await GetAsync(ApiRoutes.HealthLivePath);
        var storm = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => GetAsync(ApiRoutes.HealthReadyPath)));

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.Status, live.Overall));
        Assert.All(storm, ready => Assert.Equal((HttpStatusCode.OK, "Healthy", "Healthy", "Healthy"), (ready.Status, ready.Overall, ready.Checks["routes"], ready.Checks["gateway"])));
        Assert.InRange(_policyReads, 1, 2);
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task Ready_answers_503_naming_the_gateway_when_it_does_not_answer_while_live_stays_200()
    {
        _proxy.Gateway.Policy = () => throw new ConsentGatewayException("The gateway could not be reached (test).");

        var ready = await GetAsync(ApiRoutes.HealthReadyPath);
        var live = await GetAsync(ApiRoutes.HealthLivePath);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy", "Unhealthy", "Healthy"), (ready.Status, ready.Overall, ready.Checks["gateway"], ready.Checks["routes"]));
        Assert.Equal(HttpStatusCode.OK, live.Status);
    }

    private async Task<(HttpStatusCode Status, string Overall, Dictionary<string, string> Checks)> GetAsync(string path)
    {
        using var response = await _proxy.Client.GetAsync(path);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!);
        return (response.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks);
    }
}
