using ConsentGateway.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// The .NET client (src/ConsentGateway.Client) against the real self-hosted gateway: the wire
/// contract agrees (the client's replies are read separately from the gateway's records), a
/// refused question is told from a stopped gateway, and both are a fail-closed deny.
/// </summary>
public sealed class GatewayClientTests : IAsyncLifetime
{
    private readonly GatewayServer _server = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        var services = new ServiceCollection();
        services.AddConsentGatewayClient(options =>
        {
            options.BaseAddress = _server.BaseAddress;
            options.ProxyKey = _server.ProxyKey;
            options.Timeout = TimeSpan.FromSeconds(2);
            options.CacheEnabled = false;
        });
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_client_gets_the_gateways_decisions_one_by_one_and_in_a_batch()
    {
        var userId = await _server.CreateAccountAsync(country: "DE");
        using (var user = _server.User(userId))
        {
            (await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", GatewayServer.Json("""{"enabled":true}"""))).EnsureSuccessStatusCode();
        }

        var client = _services.GetRequiredService<IConsentGatewayClient>();
        var question = new ConsentQuestion { Partner = "google", UserId = userId, Data = ["email", "ip_address"], Id = "q1" };
        var one = await EventuallyAsync(() => client.EvaluateAsync(question), result => result.Decision == "partial");
        var batch = await client.EvaluateBatchAsync([question, question with { Partner = "no-such-partner", Id = null }]);

        Assert.Equal(["ip_address"], one.Allowed);
        Assert.Equal(("q1", 1L, "ad-platforms"), (one.Id, one.ConsentVersion, one.Partnership));
        Assert.Equal([new ConsentDenial("email", "NEVER_SHARED_DATA")], one.Denied);
        Assert.Equal(["NEVER_SHARED_DATA", "SETTING_ENABLED"], one.Reasons);
        Assert.NotNull(one.DecisionId);
        Assert.Equal(["partial", "deny"], batch.Select(r => r.Decision));
        Assert.Equal("UNKNOWN_PARTNER", batch[1].Denied.Single(d => d.Data == "ip_address").Reason);
        Assert.DoesNotContain(batch, r => r.IsGatewayUnavailable);
    }

    [Fact]
    public async Task The_client_reads_the_policy_and_tells_a_question_the_gateway_refuses_from_an_unavailable_gateway()
    {
        var client = _services.GetRequiredService<IConsentGatewayClient>();

        var policy = await client.GetPolicyAsync();
        var refused = await client.EvaluateAsync(new ConsentQuestion { Partner = "google", UserId = "anyone", Data = ["ip_adress"] });

        Assert.Equal("2020-04-06", policy.PolicyVersion);
        Assert.Contains(policy.Document.GetProperty("partnerships").EnumerateArray(), p => p.GetProperty("id").GetString() == "ad-platforms");
        Assert.Equal(new GatewayRefusal(400, "unknown-data-item"), refused.GatewayRefusal);
        Assert.True(refused.IsGatewayUnavailable);
        await _server.StopAsync();
        Assert.Null((await client.EvaluateAsync(new ConsentQuestion { Partner = "google", UserId = "anyone", Data = ["ip_address"] })).GatewayRefusal);
    }

    [Fact]
    public async Task A_stopped_gateway_is_a_fail_closed_deny()
    {
        var client = _services.GetRequiredService<IConsentGatewayClient>();
        await _server.StopAsync();

        var result = await client.EvaluateAsync(new ConsentQuestion { Partner = "google", UserId = "anyone", Data = ["ip_address"] });

        Assert.True(result.IsGatewayUnavailable);
        Assert.Equal([new ConsentDenial("ip_address", ConsentResult.GatewayUnavailableReason)], result.Denied);
    }

    private static async Task<ConsentResult> EventuallyAsync(Func<Task<ConsentResult>> ask, Func<ConsentResult, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var result = await ask();
            if (done(result) || DateTimeOffset.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(50);
        }
    }
}
