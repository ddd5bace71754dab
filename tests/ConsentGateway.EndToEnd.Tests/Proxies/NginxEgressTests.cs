using ConsentGateway.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;
using static ConsentGateway.EndToEnd.Tests.Proxies.NginxServer;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests.Proxies;

/// <summary>
/// The shipped nginx egress configuration in front of a stub partner, asking the real
/// self-hosted gateway (over Azurite) through <c>auth_request</c>: what reaches the partner,
/// what is refused, how fast a withdrawal takes effect, and that it fails closed.
/// </summary>
public sealed class NginxEgressTests(EgressGateway server, ITestOutputHelper output) : IClassFixture<EgressGateway>, IAsyncLifetime
{
    // Until propagation (and the caches) let a fresh account or device be seen at all.
    private static readonly TimeSpan Setup = TimeSpan.FromSeconds(30);

    // Every header of the gateway's contract, as a caller might (wrongly) send it.
    private static readonly KeyValuePair<string, string>[] SpoofedConsentHeaders =
    [
        new("X-Consent-Key", "a-key-of-the-caller"),
        new("X-Consent-Partner", "facebook"),
        new("X-Consent-Via", "example-processor"),
        new("X-Consent-Decision", "allow"),
        new("X-Consent-Reason", "SETTING_ENABLED"),
        new("X-Consent-Allowed-Data", "email"),
        new("X-Consent-Policy-Version", "0"),
        new("X-Consent-Decision-Id", "forged"),
    ];

    private readonly ConcurrentBag<EgressAnswer> _answers = [];
    private RecordingServer _partner = null!;

    public async Task InitializeAsync() => _partner = await RecordingServer.StartPartnerAsync();

    public async Task DisposeAsync() => await _partner.DisposeAsync();

    [Fact]
    public async Task Allowed_requests_reach_the_partner_with_no_consent_header()
    {
        await using var nginx = await StartNginxAsync(server.ProxyKey);
        var us = await AccountAsync("US");
        var eeaEnabled = await AccountAsync("DE", setting: true);
        var beforeSignup = await DeviceAsync();

        // Partnership A (google): the default of the US is enabled; a device with no account yet is allowed.
        // Partnership B (example-advertiser via example-processor): outside EEA_UK the setting does not apply; inside it, it is enabled.
        (string Route, string? User, string? Device, string Data, string Reason)[] allowed =
        [
            (GoogleRoute, us, null, "ip_address,mobile_ad_id", "SETTING_ENABLED"),
            (GoogleRoute, null, beforeSignup, "mobile_ad_id", "BEFORE_SIGNUP"),
            (ExampleAdvertiserRoute, us, null, "ad_interactions,mobile_ad_id", "SETTING_NOT_APPLICABLE_IN_REGION"),
            (ExampleAdvertiserRoute, eeaEnabled, null, "ad_interactions", "SETTING_ENABLED"),
        ];
        foreach (var (route, user, device, data, _) in allowed)
        {
            await UntilAnsweredAsync(Setup, () => SendAsync(nginx, route, user, device, data), a => a.Status == HttpStatusCode.OK);
        }

        foreach (var (route, user, device, data, reason) in allowed)
        {
            var answer = await SendAsync(nginx, route, user, device, data, SpoofedConsentHeaders, body: """{"event":"install"}""");

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("partner ok", answer.Body);
            Assert.Equal(("allow", true), (answer.Decision, answer.FromPartner));
            Assert.Contains(reason, answer.Reason, StringComparison.Ordinal);
            Assert.NotNull(answer.DecisionId);
            Assert.NotEqual("forged", answer.DecisionId);
            var received = Assert.Single(_partner.RequestsMarked(answer.Marker));
            Assert.Equal(("POST", $"/{route.Split('/')[2]}/events?source=e2e", """{"event":"install"}"""), (received.Method, received.Path, received.Body));
            Assert.Empty(received.ConsentHeaders);
        }

        AssertOnlyAllowedRequestsReachedThePartner();
    }

    [Fact]
    public async Task Denied_and_partial_requests_get_403_with_the_gateway_decision_and_never_reach_the_partner()
    {
        await using var nginx = await StartNginxAsync(server.ProxyKey);
        var eeaDefault = await AccountAsync("DE");
        var us = await AccountAsync("US");
        var eeaBeforeCutoff = await server.CreateAccountAsync("FR", signedUpAt: "2019-05-01T00:00:00Z");

        (string Route, string? User, string? Device, string Data, string Decision, string Reason)[] refused =
        [
            (GoogleRoute, eeaDefault, null, "ip_address", "deny", "SETTING_DISABLED"),
            (GoogleRoute, us, null, "ip_address,email", "partial", "NEVER_SHARED_DATA"),
            (GoogleRoute, eeaBeforeCutoff, null, "ip_address", "deny", "EEA_UK_SIGNUP_BEFORE_CUTOFF"),
            (GoogleRoute, null, "never-registered-" + Guid.NewGuid().ToString("N"), "mobile_ad_id", "deny", "UNKNOWN_DEVICE"),
            (FacebookRoute, eeaDefault, null, "ip_address", "deny", "SETTING_DISABLED"),
            (ExampleAdvertiserRoute, eeaDefault, null, "ad_interactions", "deny", "SETTING_DISABLED"),
            (ExampleAdvertiserRoute, us, null, "ad_interactions,ip_address", "partial", "DATA_NOT_IN_PARTNERSHIP"),
        ];
        foreach (var (route, user, device, data, decision, reason) in refused)
        {
            var answer = await UntilAnsweredAsync(
                Setup,
                () => SendAsync(nginx, route, user, device, data, SpoofedConsentHeaders),
                a => a.Decision == decision && a.Reason?.Contains(reason, StringComparison.Ordinal) == true);

            Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
            Assert.False(answer.FromPartner);
            Assert.NotNull(answer.DecisionId);
            Assert.Empty(_partner.RequestsMarked(answer.Marker));
        }

        Assert.Empty(_partner.Requests);
        AssertOnlyAllowedRequestsReachedThePartner();
    }

    [Fact]
    public async Task Disabling_the_setting_blocks_the_user_and_each_of_their_devices_within_the_staleness_bound()
    {
        await using var nginx = await StartNginxAsync(server.ProxyKey);
        var userId = await AccountAsync("DE", setting: true);
        string[] devices = [await DeviceAsync(userId), await DeviceAsync(userId)];

        // Every way to ask about this user, on both partnerships (the setting governs both in EEA_UK).
        var requests = new List<(string Route, string? User, string? Device, string Data)>();
        foreach (var (route, data) in (IEnumerable<(string, string)>)[(GoogleRoute, "ip_address,mobile_ad_id"), (ExampleAdvertiserRoute, "ad_interactions,mobile_ad_id")])
        {
            requests.Add((route, userId, null, data));
            requests.AddRange(devices.Select(device => (route, (string?)null, (string?)device, data)));
            requests.Add((route, userId, devices[0], data));
        }

        var last = new EgressAnswer[requests.Count];
        async Task<bool> All(HttpStatusCode status)
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var (route, user, device, data) = requests[i];
                last[i] = await SendAsync(nginx, route, user, device, data);
            }

            return last.All(a => a.Status == status);
        }

        string Describe() => string.Join("; ", last.Select((a, i) => $"#{i} {a}"));

        await Poll.UntilAsync(Setup, () => All(HttpStatusCode.OK), Describe);

        using (var user = server.User(userId))
        using (var disabled = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":false}""")))
        {
            disabled.EnsureSuccessStatusCode();
        }

        // The bound holds on the eventual condition: every request about the user or a device refused.
        await Poll.UntilAsync(server.StalenessBound, () => All(HttpStatusCode.Forbidden), Describe);

        Assert.True(await All(HttpStatusCode.Forbidden), Describe());
        Assert.All(last, a => Assert.Equal(("deny", true), (a.Decision, a.Reason!.Contains("SETTING_DISABLED", StringComparison.Ordinal))));
        AssertOnlyAllowedRequestsReachedThePartner();
    }

    [Fact]
    public async Task When_the_gateway_is_stopped_nginx_fails_closed_and_nothing_reaches_the_partner()
    {
        var gateway = new GatewayServer();
        await gateway.InitializeAsync();
        await using var stopped = new OwnedGateway(gateway);
        await using var nginx = await StartNginxAsync(gateway.ProxyKey, gateway);
        var askedThroughNginx = await AccountAsync("US", on: gateway);
        var neverAskedThroughNginx = await AccountAsync("US", on: gateway);

        await UntilAnsweredAsync(Setup, () => SendAsync(nginx, GoogleRoute, askedThroughNginx), a => a.Status == HttpStatusCode.OK);
        await Poll.UntilAsync(Setup, async () => await gateway.CheckGoogleIpAsync(neverAskedThroughNginx) == HttpStatusCode.OK, () => "the gateway does not allow the second account");

        await gateway.StopAsync();

        // Not in nginx's cache: refused at once.
        var uncached = await SendAsync(nginx, GoogleRoute, neverAskedThroughNginx, gatewayUp: false);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "deny", "GATEWAY_UNAVAILABLE", false), (uncached.Status, uncached.Decision, uncached.Reason, uncached.FromPartner));

        // An allow nginx cached before the stop lasts its ttl at most (within the bound), then is refused too.
        await UntilAnsweredAsync(server.StalenessBound, () => SendAsync(nginx, GoogleRoute, askedThroughNginx, gatewayUp: false), a => a.Status == HttpStatusCode.ServiceUnavailable);
        var before = _partner.Requests.Count;
        for (var i = 0; i < 5; i++)
        {
            foreach (var userId in (string[])[askedThroughNginx, neverAskedThroughNginx])
            {
                var answer = await SendAsync(nginx, GoogleRoute, userId, gatewayUp: false);
                Assert.Equal((HttpStatusCode.ServiceUnavailable, "GATEWAY_UNAVAILABLE", false), (answer.Status, answer.Reason, answer.FromPartner));
            }
        }

        Assert.Equal(before, _partner.Requests.Count);
        AssertOnlyAllowedRequestsReachedThePartner();
    }

    [Theory]
    [InlineData("not-the-key-of-any-proxy")]
    [InlineData("")]
    public async Task A_wrong_or_missing_proxy_key_in_nginx_blocks_every_request(string key)
    {
        await using var nginx = await StartNginxAsync(key);
        var userId = await AccountAsync("US");
        await Poll.UntilAsync(Setup, async () => await server.CheckGoogleIpAsync(userId) == HttpStatusCode.OK, () => "the gateway does not allow the account with the right key");

        foreach (var route in (string[])[GoogleRoute, FacebookRoute])
        {
            // The caller's own X-Consent-Key is not used either.
            var answer = await SendAsync(nginx, route, userId, extraHeaders: [new("X-Consent-Key", server.ProxyKey)]);

            Assert.Equal((HttpStatusCode.ServiceUnavailable, "deny", "PROXY_UNAUTHORIZED", false), (answer.Status, answer.Decision, answer.Reason, answer.FromPartner));
        }

        Assert.Empty(_partner.Requests);
    }

    [Fact]
    public async Task The_partner_is_fixed_by_the_route_not_by_the_caller()
    {
        // This proxy may ask about google only.
        await using var nginx = await StartNginxAsync(server.LimitedProxyKey);
        var userId = await AccountAsync("US");

        // Claiming another partner, via and key changes nothing on the google route...
        var google = await UntilAnsweredAsync(Setup, () => SendAsync(nginx, GoogleRoute, userId, extraHeaders: SpoofedConsentHeaders), a => a.Status == HttpStatusCode.OK);
        Assert.Equal("allow", google.Decision);

        // ...nor makes another route ask about google, or with the caller's (unlimited) key.
        KeyValuePair<string, string>[] claims = [new("X-Consent-Partner", LimitedProxyPartner), new("X-Consent-Key", server.ProxyKey)];
        foreach (var route in (string[])[FacebookRoute, ExampleAdvertiserRoute])
        {
            var answer = await SendAsync(nginx, route, userId, data: route == FacebookRoute ? "ip_address" : "ad_interactions", extraHeaders: claims);
            Assert.Equal((HttpStatusCode.Forbidden, "deny", "PROXY_NOT_ALLOWED", false), (answer.Status, answer.Decision, answer.Reason, answer.FromPartner));
        }

        AssertOnlyAllowedRequestsReachedThePartner();
    }

    [Fact]
    public async Task Malformed_consent_headers_get_400_and_never_reach_the_partner()
    {
        await using var nginx = await StartNginxAsync(server.ProxyKey);
        var userId = await AccountAsync("US");
        await UntilAnsweredAsync(Setup, () => SendAsync(nginx, GoogleRoute, userId), a => a.Status == HttpStatusCode.OK);

        (string? User, string? Device, string? Data, string? Country)[] malformed =
        [
            (null, null, "ip_address", null),
            (userId, null, null, null),
            (userId, null, "ip_address,shoe_size", null),
            (userId, null, "ip_address", "XX"),
            ("not an id", null, "ip_address", null),
        ];
        foreach (var (user, device, data, country) in malformed)
        {
            var answer = await SendAsync(nginx, GoogleRoute, user, device, data, country: country);

            Assert.Equal((HttpStatusCode.BadRequest, "deny", "BAD_CONSENT_HEADERS", false), (answer.Status, answer.Decision, answer.Reason, answer.FromPartner));
        }

        AssertOnlyAllowedRequestsReachedThePartner();
    }

    private async Task<NginxServer> StartNginxAsync(string key, GatewayServer? gateway = null) =>
        await NginxServer.StartAsync((gateway ?? server).BaseAddress, key, _partner, output);

    // Sends through nginx and keeps the answer for AssertOnlyAllowedRequestsReachedThePartner.
    // Unless the gateway is meant to be down, a GATEWAY_UNAVAILABLE answer (the gateway slower
    // than nginx's timeout on a loaded machine: correctly refused) is sent again, for a while.
    private async Task<EgressAnswer> SendAsync(
        NginxServer nginx, string route, string? user = null, string? device = null, string? data = "ip_address",
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null, string? country = null, string? body = null, bool gatewayUp = true)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await nginx.SendAsync(route, user, device, data, country, extraHeaders, body: body);
            _answers.Add(answer);
            if (!gatewayUp || answer.Reason != "GATEWAY_UNAVAILABLE" || clock.Elapsed > Setup)
            {
                return answer;
            }

            output.WriteLine($"The gateway was too slow for nginx (retrying): {answer}");
        }
    }

    private static async Task<EgressAnswer> UntilAnsweredAsync(TimeSpan within, Func<Task<EgressAnswer>> send, Func<EgressAnswer, bool> expected)
    {
        EgressAnswer? last = null;
        await Poll.UntilAsync(within, async () => expected(last = await send()), () => $"last answer {last}");
        return last!;
    }

    // Whatever the answer, a request reached the partner exactly when nginx answered with the partner's 200.
    private void AssertOnlyAllowedRequestsReachedThePartner()
    {
        Assert.All(_answers, a => Assert.Equal(
            (a.Status == HttpStatusCode.OK && a.FromPartner ? 1 : 0, a.ToString()),
            (_partner.RequestsMarked(a.Marker).Count, a.ToString())));
    }

    private Task<string> AccountAsync(string country, bool? setting = null, GatewayServer? on = null) =>
        (on ?? server).CreateAccountAsync(country, enabled: setting);

    private Task<string> DeviceAsync(string? userId = null) => server.RegisterDeviceAsync(userId);
}
