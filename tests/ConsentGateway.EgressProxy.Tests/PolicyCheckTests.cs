using System.Diagnostics;
using ConsentGateway.Client;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>
/// At start the proxy reads the gateway's policy and refuses a rule naming a partner or data item
/// the policy does not know, naming the setting; a gateway it cannot reach stops the start after
/// <c>ConsentProxy:PolicyReadTimeout</c>, one that refuses it at once.
/// </summary>
public sealed class PolicyCheckTests
{
    private static readonly Uri Partner = new("http://127.0.0.1:9/");

    public static TheoryData<string[], string> UnknownNames => new()
    {
        { ["--ConsentProxy:Routes:google:Fields:2:Data", "emial"], "ConsentProxy:Routes:google:Fields:2:Data 'emial' is not a data item of the gateway's policy 2020-04-06" },
        { ["--ConsentProxy:Routes:google:Partner", "gogle"], "ConsentProxy:Routes:google:Partner 'gogle' is not a partner of the gateway's policy 2020-04-06" },
        { ["--ConsentProxy:Routes:lenient:Via", "example-procesor"], "ConsentProxy:Routes:lenient:Via 'example-procesor' is not a partner" },
    };

    [Theory]
    [MemberData(nameof(UnknownNames))]
    public async Task A_rule_naming_what_the_policy_does_not_know_stops_the_start_naming_the_setting(string[] overrides, string expected)
    {
        await using var app = Build(new FakeConsentGateway(), overrides);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_message_lists_what_the_policy_knows_and_every_bad_setting_at_once()
    {
        await using var app = Build(new FakeConsentGateway(), ["--ConsentProxy:Routes:google:Fields:0:Data", "ip", "--ConsentProxy:Routes:lenient:Fields:0:Data", "ads"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(["ConsentProxy:Routes:google:Fields:0:Data", "ConsentProxy:Routes:lenient:Fields:0:Data"], error.Failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.Contains("(its data items: ad_interactions, email, ip_address, mobile_ad_id)", error.Failures.First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_gateway_stops_the_start_after_the_policy_read_timeout_naming_its_address()
    {
        var logs = new CapturedLogs();
        // The real client, asking a port where nothing listens.
        await using var app = EgressProxyServer.Build(
            [.. ProxyUnderTest.Arguments(Partner), "--ConsentProxy:PolicyReadTimeout", "00:00:02.500"],
            services => services.AddSingleton<ILoggerProvider>(logs));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(20));
        Assert.Contains("The consent gateway at http://127.0.0.1:9/ could not be asked for its policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("within ConsentProxy:PolicyReadTimeout (00:00:02.5000000, ", error.Message, StringComparison.Ordinal);
        Assert.Contains("check ConsentGateway:BaseAddress", error.Message, StringComparison.Ordinal);
        // Tried again once a second, each failure logged (the last one is the exception).
        Assert.InRange(logs.Events.Count(e => e.Contains("could not be asked for its policy (attempt", StringComparison.Ordinal)), 1, 2);
    }

    [Fact]
    public async Task A_gateway_that_answers_within_the_timeout_lets_the_proxy_start()
    {
        var gateway = new FakeConsentGateway();
        var calls = 0;
        gateway.Policy = () => ++calls < 2 ? throw new ConsentGatewayException("connection refused") : FakeConsentGateway.KnownPolicy;
        await using var app = Build(gateway, ["--ConsentProxy:PolicyReadTimeout", "00:00:10"]);

        await app.StartAsync();

        Assert.Equal(2, calls);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_gateway_that_refuses_the_policy_read_stops_the_start_at_once_naming_the_key_setting()
    {
        var gateway = new FakeConsentGateway();
        var calls = 0;
        gateway.Policy = () =>
        {
            calls++;
            throw new ConsentGatewayException("refused", new GatewayRefusal(401, "proxy-unauthorized"));
        };
        await using var app = Build(gateway, ["--ConsentProxy:PolicyReadTimeout", "00:01:00"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Equal(1, calls);
        Assert.Contains("refused to give its policy (/api/v1/policy: 401 proxy-unauthorized)", error.Message, StringComparison.Ordinal);
        Assert.Contains("check ConsentGateway:ProxyKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:10:01")]
    public void A_policy_read_timeout_out_of_range_stops_the_proxy(string timeout)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new FakeConsentGateway(), ["--ConsentProxy:PolicyReadTimeout", timeout]));

        Assert.Contains("ConsentProxy:PolicyReadTimeout must be more than 0", error.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(FakeConsentGateway gateway, string[] overrides) =>
        EgressProxyServer.Build([.. ProxyUnderTest.Arguments(Partner), .. overrides], services => services.AddSingleton<IConsentGatewayClient>(gateway));
}
