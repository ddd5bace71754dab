using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ConsentGateway.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static ConsentGateway.EndToEnd.Tests.Proxies.YarpEgressProxy;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests.Proxies;

/// <summary>
/// The YARP egress proxy (ConsentGateway.EgressProxy, real Kestrel in process) in front of a stub
/// partner, asking the real self-hosted gateway (over Azurite): what reaches the partner, with
/// which body fields and headers, what is refused and why, how fast a withdrawal takes effect,
/// and that it fails closed. Every expected body, decision and reason here follows from
/// SPEC §2–5 and docs/policy.md, with the routes' field rules of <see cref="YarpEgressProxy"/>.
/// </summary>
public sealed class YarpEgressTests(EgressGateway server, ITestOutputHelper output) : IClassFixture<EgressGateway>, IAsyncLifetime
{
    // Until propagation (and the caches) let a fresh account or device be seen at all.
    private static readonly TimeSpan Setup = TimeSpan.FromSeconds(30);

    // Where the partner's endpoint is below each route's prefix (the prefix is removed).
    private const string PartnerPath = "v1/events?source=e2e";

    // The proxy's own headers, and the gateway's, as a caller might (wrongly) send them.
    private static readonly KeyValuePair<string, string>[] SpoofedConsentHeaders =
    [
        new("X-Consent-Key", "a-key-of-the-caller"),
        new("X-Consent-Partner", "facebook"),
        new("X-Consent-Via", "example-processor"),
        new("X-Consent-User", "someone-else"),
        new("X-Consent-Data", "email"),
        new("X-Consent-Decision", "allow"),
        new("X-Consent-Decision-Id", "forged"),
        new("X-Consent-Removed", "$.nothing"),
        new("X-Consent-Invented-By-A-Service", "anything"),
    ];

    private const string Email = "someone@example.com";
    private const string SessionToken = "session-token-of-the-caller";

    private readonly ConcurrentBag<ProxyAnswer> _answers = [];

    // Every user and device id (and personal value) the test used: never in a log, never in a message.
    private readonly ConcurrentBag<string> _secrets = [Email, SessionToken];

    private RecordingServer _partner = null!;
    private YarpEgressProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _partner = await RecordingServer.StartPartnerAsync();
        _proxy = await YarpEgressProxy.StartAsync(server.BaseAddress, server.ProxyKey, _partner.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _partner.DisposeAsync();
    }

    [Fact]
    public async Task Allowed_requests_reach_the_partner_unchanged_with_the_decision_id_and_without_subject_or_caller_consent_headers()
    {
        var us = await AccountAsync("US");
        var usDevice = await DeviceAsync(us);
        var eeaEnabled = await AccountAsync("DE", setting: true);
        var beforeSignup = await DeviceAsync();

        // Partnership A (google, facebook): the default of the US is enabled (SETTING_ENABLED), for the
        // account and its linked device; a device with no account is allowed everywhere (BEFORE_SIGNUP).
        // Partnership B (example-advertiser via example-processor): outside EEA_UK the setting does not
        // apply (SETTING_NOT_APPLICABLE_IN_REGION, also for a device with no account placed in the US);
        // inside it, the setting is enabled (SETTING_ENABLED).
        (string Label, string Route, string? User, JsonObject Body)[] allowed =
        [
            ("google, US account and its device", GoogleRoute, us,
                Body($$$"""{"event":"app_open","country":"US","ip":"203.0.113.7","device":{"adId":"{{{usDevice}}}"}}""")),
            ("facebook, US account", FacebookRoute, us,
                Body("""{"event":"app_open","country":"US","ip":"203.0.113.7"}""")),
            ("google, device before signup in the EEA", GoogleRoute, null,
                Body($$$"""{"event":"app_open","country":"DE","ip":"198.51.100.20","device":{"adId":"{{{beforeSignup}}}"}}""")),
            ("example-advertiser, US account and its device", ExampleAdvertiserRoute, us,
                Body($$$"""{"event":"ad_report","country":"US","device":{"adId":"{{{usDevice}}}"},"browserId":"b-77","ads":[{"id":"ad-1","action":"watched"},{"id":"ad-2","action":"clicked"}]}""")),
            ("example-advertiser, EEA account with the setting enabled", ExampleAdvertiserRoute, eeaEnabled,
                Body("""{"event":"ad_report","country":"DE","ads":[{"id":"ad-3","action":"seen"}]}""")),
            ("example-advertiser, device before signup in the US", ExampleAdvertiserRoute, null,
                Body($$$"""{"event":"ad_report","country":"US","device":{"adId":"{{{beforeSignup}}}"},"ads":["ad-4"]}""")),
        ];

        foreach (var (label, route, user, body) in allowed)
        {
            await UntilAnsweredAsync(Setup, () => SendAsync(_proxy, route, user, body), a => a.Forwarded && a.Decision == "allow", label);
        }

        foreach (var (label, route, user, body) in allowed)
        {
            var answer = await SendAsync(_proxy, route, user, body);

            Assert.Equal((HttpStatusCode.OK, "partner ok", true, "allow"), (answer.Status, answer.Body, answer.FromPartner, answer.Decision));
            Assert.Null(answer.Removed);
            AssertForwardedOnce(answer, body, label);
        }

        AssertInvariants(_proxy);
    }

    [Fact]
    public async Task Partial_decisions_forward_the_body_without_the_denied_fields()
    {
        var us = await AccountAsync("US");
        var usDevice = await DeviceAsync(us);
        var eeaEnabled = await AccountAsync("DE", setting: true);

        // email is never shared (NEVER_SHARED_DATA); ip_address is not data of partnership B
        // (DATA_NOT_IN_PARTNERSHIP). The rest may go, so only the denied fields are removed.
        (string Label, string Route, string User, JsonObject Sent, JsonObject Expected, string[] Removed)[] partial =
        [
            ("google, US account with an email", GoogleRoute, us,
                Body($$$"""{"event":"signup","country":"US","ip":"203.0.113.7","device":{"adId":"{{{usDevice}}}"},"user":{"email":"{{{Email}}}"}}"""),
                Body($$$"""{"event":"signup","country":"US","ip":"203.0.113.7","device":{"adId":"{{{usDevice}}}"}}"""),
                ["$.user.email"]),
            ("example-advertiser, US account with an ip address", ExampleAdvertiserRoute, us,
                Body("""{"event":"ad_report","country":"US","ip":"203.0.113.7","ads":[{"id":"ad-1","action":"watched"}]}"""),
                Body("""{"event":"ad_report","country":"US","ads":[{"id":"ad-1","action":"watched"}]}"""),
                ["$.ip"]),
            ("example-advertiser, EEA account with the setting enabled, with an email and an ip address", ExampleAdvertiserRoute, eeaEnabled,
                Body($$$"""{"event":"ad_report","country":"DE","browserId":"b-9","ip":"198.51.100.20","user":{"email":"{{{Email}}}"},"ads":["ad-5","ad-6"]}"""),
                Body("""{"event":"ad_report","country":"DE","browserId":"b-9","ads":["ad-5","ad-6"]}"""),
                ["$.ip", "$.user.email"]),
        ];

        foreach (var (label, route, user, sent, expected, removed) in partial)
        {
            var answer = await UntilAnsweredAsync(Setup, () => SendAsync(_proxy, route, user, sent), a => a.Forwarded && a.Decision == "partial", label);

            Assert.Equal((HttpStatusCode.OK, "partner ok"), (answer.Status, answer.Body));
            Assert.Equal(removed.Order(StringComparer.Ordinal), RemovedPaths(answer));
            AssertForwardedOnce(answer, expected, label);
        }

        AssertNoPartnerBodyContains(_partner.Requests, Email);
        AssertInvariants(_proxy);
    }

    [Fact]
    public async Task A_denied_field_is_removed_with_everything_below_it_even_how_many_elements_it_had()
    {
        var us = await AccountAsync("US");

        // $.ads carries ad_interactions, which partnership A does not carry (DATA_NOT_IN_PARTNERSHIP):
        // the field goes with everything below it (docs/redacting-proxy.md: a rule covers "its field
        // and everything below it", "$.ads → ad_interactions classifies a whole array of ad objects").
        // Which ads, and how many, is the denied item itself: the field goes whole, not as one
        // empty element per ad the user interacted with.
        var sent = Body("""{"event":"app_open","country":"US","ip":"203.0.113.7","ads":[{"id":"ad-1","action":"watched"},{"id":"ad-2","action":"clicked"}]}""");
        var answer = await UntilAnsweredAsync(Setup, () => SendAsync(_proxy, FacebookRoute, us, sent), a => a.Forwarded && a.Decision == "partial", "facebook, US account with ads");

        Assert.Equal(["$.ads"], RemovedPaths(answer));
        var received = ReachedOnce(answer);
        AssertSameJson(Body("""{"event":"app_open","country":"US","ip":"203.0.113.7"}"""), received.Body, "facebook, US account with ads");
        AssertInvariants(_proxy);
    }

    [Fact]
    public async Task Denied_requests_get_403_with_the_gateway_reasons_and_never_reach_the_partner()
    {
        var eeaDefault = await AccountAsync("DE");
        var eeaBeforeCutoff = await AccountAsync("FR", setting: true, signedUpAt: "2019-05-01T00:00:00Z");
        var us = await AccountAsync("US");
        var beforeSignup = await DeviceAsync();
        var neverRegistered = Secret(Guid.NewGuid().ToString());
        var noAccount = Secret("u-" + Guid.NewGuid().ToString("N"));

        (string Label, string Route, string Partner, string? User, JsonObject Body, string[] Reasons, (string Data, string Reason)[] Denied)[] refused =
        [
            // Partnership A: disabled by the EEA default; signed up in the EEA before the cut-off, even
            // with the setting enabled; ids the gateway does not know.
            ("google, EEA account, default setting", GoogleRoute, "google", eeaDefault,
                Body("""{"event":"app_open","country":"DE","ip":"198.51.100.20"}"""),
                ["SETTING_DISABLED"], [("ip_address", "SETTING_DISABLED")]),
            ("facebook, EEA account, default setting", FacebookRoute, "facebook", eeaDefault,
                Body("""{"event":"app_open","country":"DE","ip":"198.51.100.20"}"""),
                ["SETTING_DISABLED"], [("ip_address", "SETTING_DISABLED")]),
            ("google, EEA account signed up before 2020-04-06, setting enabled", GoogleRoute, "google", eeaBeforeCutoff,
                Body("""{"event":"app_open","country":"FR","ip":"198.51.100.21"}"""),
                ["EEA_UK_SIGNUP_BEFORE_CUTOFF"], [("ip_address", "EEA_UK_SIGNUP_BEFORE_CUTOFF")]),
            ("google, device never registered", GoogleRoute, "google", null,
                Body($$$"""{"event":"app_open","country":"US","device":{"adId":"{{{neverRegistered}}}"}}"""),
                ["UNKNOWN_DEVICE"], [("mobile_ad_id", "UNKNOWN_DEVICE")]),
            ("google, user with no account", GoogleRoute, "google", noAccount,
                Body("""{"event":"app_open","country":"US","ip":"203.0.113.8"}"""),
                ["UNKNOWN_ACCOUNT"], [("ip_address", "UNKNOWN_ACCOUNT")]),

            // Partnership B: the EEA default is disabled; a device with no account in the EEA gets
            // beforeSignup (deny), one with no country cannot be placed; nothing of the body is B's data.
            ("example-advertiser, EEA account, default setting", ExampleAdvertiserRoute, "example-advertiser", eeaDefault,
                Body("""{"event":"ad_report","country":"DE","ads":[{"id":"ad-1","action":"watched"}]}"""),
                ["SETTING_DISABLED"], [("ad_interactions", "SETTING_DISABLED")]),
            ("example-advertiser, device before signup in the EEA", ExampleAdvertiserRoute, "example-advertiser", null,
                Body($$$"""{"event":"ad_report","country":"DE","device":{"adId":"{{{beforeSignup}}}"},"ads":["ad-1"]}"""),
                ["BEFORE_SIGNUP"], [("ad_interactions", "BEFORE_SIGNUP"), ("mobile_ad_id", "BEFORE_SIGNUP")]),
            ("example-advertiser, device before signup, no country", ExampleAdvertiserRoute, "example-advertiser", null,
                Body($$$"""{"event":"ad_report","device":{"adId":"{{{beforeSignup}}}"},"ads":["ad-1"]}"""),
                ["LOCATION_UNKNOWN"], [("ad_interactions", "LOCATION_UNKNOWN"), ("mobile_ad_id", "LOCATION_UNKNOWN")]),
            ("example-advertiser, US account, only an ip address and an email", ExampleAdvertiserRoute, "example-advertiser", us,
                Body($$$"""{"event":"ad_report","country":"US","ip":"203.0.113.7","user":{"email":"{{{Email}}}"}}"""),
                ["DATA_NOT_IN_PARTNERSHIP", "NEVER_SHARED_DATA"], [("ip_address", "DATA_NOT_IN_PARTNERSHIP"), ("email", "NEVER_SHARED_DATA")]),
        ];

        foreach (var (label, route, partner, user, body, reasons, denied) in refused)
        {
            var answer = await UntilAnsweredAsync(
                Setup,
                () => SendAsync(_proxy, route, user, body),
                a => a.Status == HttpStatusCode.Forbidden && a.Problem?["reasons"] is JsonArray r && Strings(r).SequenceEqual(reasons.Order(StringComparer.Ordinal)),
                label);

            Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json", false, "deny"), (answer.Status, answer.ContentType, answer.FromPartner, answer.Decision));
            var problem = answer.Problem!;
            Assert.Equal(("consent-denied", 403, partner), ((string?)problem["code"], (int?)problem["status"], (string?)problem["partner"]));
            Assert.Equal(
                denied.Select(d => $"{d.Data}:{d.Reason}").Order(StringComparer.Ordinal),
                problem["denied"]!.AsArray().Select(d => $"{d!["data"]}:{d["reason"]}").Order(StringComparer.Ordinal));
            Assert.True(Guid.TryParse(answer.DecisionId, out _), $"{label}: the decision id {answer.DecisionId} is not a GUID");
            Assert.Equal(answer.DecisionId, (string?)problem["decisionId"]);
            Assert.Null(answer.Removed);
            NeverReached(answer);
        }

        Assert.True(_partner.Requests.Count == 0, $"{_partner.Requests.Count} requests reached the partner");
        AssertInvariants(_proxy);
    }

    [Fact]
    public async Task Unclassified_fields_never_reach_the_partner_and_are_listed_as_removed()
    {
        var us = await AccountAsync("US");
        var usDevice = await DeviceAsync(us);

        // Strict routes (the default): a field that is neither data nor pass-through is removed,
        // however deep, while the data the gateway allowed goes as it was sent.
        var sent = Body($$$"""{"event":"app_open","country":"US","ip":"203.0.113.7","device":{"adId":"{{{usDevice}}}"},"debug":{"sessionToken":"{{{SessionToken}}}","build":42},"appVersion":"1.2.3"}""");
        var answer = await UntilAnsweredAsync(Setup, () => SendAsync(_proxy, GoogleRoute, us, sent), a => a.Forwarded, "google, US account with unclassified fields");

        Assert.Equal((HttpStatusCode.OK, "allow"), (answer.Status, answer.Decision));
        Assert.Equal(["$.appVersion", "$.debug"], RemovedPaths(answer));
        var received = ReachedOnce(answer);
        AssertSameJson(Body($$$"""{"event":"app_open","country":"US","ip":"203.0.113.7","device":{"adId":"{{{usDevice}}}"}}"""), received.Body, "google, US account with unclassified fields");
        AssertNoPartnerBodyContains(_partner.Requests, SessionToken);
        AssertInvariants(_proxy);
    }

    [Fact]
    public async Task Disabling_the_setting_stops_every_request_about_the_user_and_their_devices_within_the_staleness_bound()
    {
        var userId = await AccountAsync("DE", setting: true);
        string[] devices = [await DeviceAsync(userId), await DeviceAsync(userId)];

        // Every way to name this user, on both partnerships (the setting governs both in EEA_UK):
        // by the header, by each linked device in the body, and by both.
        var requests = new List<(string Route, string? User, JsonObject Body)>();
        foreach (var (route, data) in (IEnumerable<(string, string)>)[(GoogleRoute, "\"ip\":\"198.51.100.20\""), (ExampleAdvertiserRoute, "\"ads\":[{\"id\":\"ad-1\",\"action\":\"watched\"}]")])
        {
            requests.Add((route, userId, Body($$$"""{"event":"e","country":"DE",{{{data}}}}""")));
            requests.AddRange(devices.Select(device => (route, (string?)null, Body($$$"""{"event":"e","country":"DE",{{{data}}},"device":{"adId":"{{{device}}}"}}"""))));
            requests.Add((route, userId, Body($$$"""{"event":"e","country":"DE",{{{data}}},"device":{"adId":"{{{devices[0]}}}"}}""")));
        }

        var last = new ProxyAnswer[requests.Count];
        async Task<bool> All(Func<ProxyAnswer, bool> expected)
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var (route, user, body) = requests[i];
                last[i] = await SendAsync(_proxy, route, user, body);
            }

            return last.All(expected);
        }

        string Describe() => string.Join("; ", last.Select((a, i) => $"#{i} {a}"));
        static bool Allowed(ProxyAnswer a) => a.Forwarded && a.Decision == "allow";
        static bool Refused(ProxyAnswer a) => a.Status == HttpStatusCode.Forbidden && a.Decision == "deny";

        await Poll.UntilAsync(Setup, () => All(Allowed), Describe);

        using (var user = server.User(userId))
        using (var disabled = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":false}""")))
        {
            disabled.EnsureSuccessStatusCode();
        }

        // The bound runs from the acknowledged change to the moment every request about the user is refused.
        var sinceAcknowledged = Stopwatch.StartNew();
        await Poll.UntilAsync(server.StalenessBound - sinceAcknowledged.Elapsed, () => All(Refused), Describe);
        output.WriteLine($"Every request about the user was refused {sinceAcknowledged.Elapsed} after the change was acknowledged (bound {server.StalenessBound}).");

        // From then on nothing about the user or their devices reaches the partner.
        var reachedBefore = _partner.Requests.Count;
        for (var round = 0; round < 5; round++)
        {
            Assert.True(await All(Refused), Describe());
            Assert.All(last, a =>
            {
                Assert.Equal(["SETTING_DISABLED"], Strings(a.Problem!["reasons"]!.AsArray()));
                NeverReached(a);
            });
        }

        Assert.Equal(reachedBefore, _partner.Requests.Count);
        AssertNoPartnerBodyContains(_partner.Requests.Skip(reachedBefore), devices);
        AssertInvariants(_proxy);
    }

    [Fact]
    public async Task When_the_gateway_is_stopped_requests_get_503_and_nothing_reaches_the_partner()
    {
        // On the policy of the proxy's routes (the proxy checks them against it at start).
        var gateway = new EgressGateway();
        await gateway.InitializeAsync();
        await using var stopped = new OwnedGateway(gateway);
        await using var proxy = await YarpEgressProxy.StartAsync(gateway.BaseAddress, gateway.ProxyKey, _partner.BaseAddress);
        var askedThroughTheProxy = await AccountAsync("US", on: gateway);
        var neverAskedThroughTheProxy = await AccountAsync("US", on: gateway);
        var body = Body("""{"event":"app_open","country":"US","ip":"203.0.113.7"}""");

        await UntilAnsweredAsync(Setup, () => SendAsync(proxy, GoogleRoute, askedThroughTheProxy, body), a => a.Forwarded && a.Decision == "allow", "google, US account, gateway up");
        await Poll.UntilAsync(Setup, async () => await gateway.CheckGoogleIpAsync(neverAskedThroughTheProxy) == HttpStatusCode.OK, () => "the gateway does not allow the second account");

        await gateway.StopAsync();
        var sinceStopped = Stopwatch.StartNew();

        // A question the proxy never asked: refused at once.
        var uncached = await SendAsync(proxy, GoogleRoute, neverAskedThroughTheProxy, body);
        AssertGatewayUnavailable(uncached);

        // An answer the proxy's client cached before the stop lasts its ttl at most (within the bound).
        await UntilAnsweredAsync(server.StalenessBound - sinceStopped.Elapsed, () => SendAsync(proxy, GoogleRoute, askedThroughTheProxy, body), a => a.Status == HttpStatusCode.ServiceUnavailable, "google, cached US account, gateway stopped");
        var reachedBefore = _partner.Requests.Count;
        for (var i = 0; i < 5; i++)
        {
            foreach (var userId in (string[])[askedThroughTheProxy, neverAskedThroughTheProxy])
            {
                AssertGatewayUnavailable(await SendAsync(proxy, GoogleRoute, userId, body));
            }
        }

        Assert.Equal(reachedBefore, _partner.Requests.Count);
        AssertInvariants(proxy);

        void AssertGatewayUnavailable(ProxyAnswer answer)
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "application/problem+json", false, "deny"), (answer.Status, answer.ContentType, answer.FromPartner, answer.Decision));
            Assert.Equal("gateway-unavailable", (string?)answer.Problem!["code"]);
            Assert.Equal(["GATEWAY_UNAVAILABLE"], Strings(answer.Problem["reasons"]!.AsArray()));
            Assert.Null(answer.DecisionId);
            NeverReached(answer);
        }
    }

    [Fact]
    public async Task A_rule_naming_a_data_item_the_gateways_policy_does_not_know_stops_the_proxy_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            YarpEgressProxy.StartAsync(server.BaseAddress, server.ProxyKey, _partner.BaseAddress, "--ConsentProxy:Routes:facebook:Fields:0:Data", "ip_adress"));

        Assert.Contains("ConsentProxy:Routes:facebook:Fields:0:Data 'ip_adress' is not a data item of the gateway's policy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_the_gateway_refuses_is_a_500_misconfigured_rule_not_a_gateway_outage()
    {
        // The limited key may ask about google only: the facebook route's every question is refused (403 proxy-not-allowed).
        await using var limited = await YarpEgressProxy.StartAsync(server.BaseAddress, server.LimitedProxyKey, _partner.BaseAddress);
        var us = await AccountAsync("US");

        var refused = await SendAsync(limited, FacebookRoute, us, Body("""{"event":"app_open","country":"US","ip":"203.0.113.7"}"""));
        var allowed = await UntilAnsweredAsync(Setup, () => SendAsync(limited, GoogleRoute, us, Body("""{"event":"app_open","country":"US","ip":"203.0.113.7"}""")), a => a.Forwarded, "google, limited key, US account");

        Assert.Equal((HttpStatusCode.InternalServerError, "misconfigured-rule"), (refused.Status, (string?)refused.Problem!["code"]));
        NeverReached(refused);
        Assert.Equal("allow", allowed.Decision);
        Assert.Contains(limited.Logs, log => log.Contains("Route facebook: the consent gateway refused the rule's question with 403 proxy-not-allowed", StringComparison.Ordinal));
        AssertInvariants(limited);
    }

    /// <summary>
    /// Sends one request the way an internal service would: POST to the route's partner endpoint
    /// with <paramref name="body"/>, the user id header when given, every spoofed consent header,
    /// and a unique marker to find it at the partner. Every answer is kept for <see cref="AssertInvariants"/>.
    /// </summary>
    private async Task<ProxyAnswer> SendAsync(YarpEgressProxy proxy, string route, string? user, JsonObject body)
    {
        using var client = proxy.Client();
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, route + PartnerPath)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(RecordingServer.MarkerHeader, marker);
        if (user is not null)
        {
            request.Headers.Add(UserIdHeader, user);
        }

        foreach (var (name, value) in SpoofedConsentHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var answer = new ProxyAnswer(
            route,
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            Header(response, "X-Consent-Decision"),
            Header(response, "X-Consent-Decision-Id"),
            Header(response, "X-Consent-Removed"),
            Header(response, "X-Partner") is not null,
            marker,
            await response.Content.ReadAsStringAsync());
        _answers.Add(answer);
        return answer;
    }

    /// <summary>
    /// The request reached the partner once, as sent by the proxy: the same method and path, the
    /// body <paramref name="expected"/>, the decision id and no other consent header, no user id.
    /// </summary>
    private void AssertForwardedOnce(ProxyAnswer answer, JsonObject expected, string label)
    {
        Assert.True(Guid.TryParse(answer.DecisionId, out _), $"{label}: the decision id {answer.DecisionId} is not a GUID");
        var received = ReachedOnce(answer);
        Assert.Equal(("POST", "/v1/events?source=e2e"), (received.Method, received.Path));
        AssertSameJson(expected, received.Body, label);
        Assert.Equal(answer.DecisionId, received.Headers.GetValueOrDefault("X-Consent-Decision-Id"));
        Assert.Equal(["X-Consent-Decision-Id"], received.ConsentHeaders, StringComparer.OrdinalIgnoreCase);
        Assert.False(received.Headers.ContainsKey(UserIdHeader), $"{label}: the user id header reached the partner");
    }

    // Failure messages name the request by its answer and marker, never print what the partner got (ids).
    private RecordedRequest ReachedOnce(ProxyAnswer answer)
    {
        var received = _partner.RequestsMarked(answer.Marker);
        Assert.True(received.Count == 1, $"reached the partner {received.Count} times, not once: {answer}");
        return received[0];
    }

    private void NeverReached(ProxyAnswer answer)
    {
        var received = _partner.RequestsMarked(answer.Marker).Count;
        Assert.True(received == 0, $"reached the partner {received} times, not never: {answer}");
    }

    private static void AssertNoPartnerBodyContains(IEnumerable<RecordedRequest> requests, params string[] values)
    {
        var found = requests.Count(r => values.Any(value => r.Body.Contains(value, StringComparison.Ordinal)));
        Assert.True(found == 0, $"{found} requests at the partner carry a value that may not go");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    private static async Task<ProxyAnswer> UntilAnsweredAsync(TimeSpan within, Func<Task<ProxyAnswer>> send, Func<ProxyAnswer, bool> expected, string label)
    {
        ProxyAnswer? last = null;
        await Poll.UntilAsync(within, async () => expected(last = await send()), () => $"{label}: last answer {last}");
        return last!;
    }

    /// <summary>
    /// What holds for every request of the test, whatever its answer: it reached the partner
    /// (exactly once) exactly when the caller got the partner's answer, and then with the decision
    /// id the caller got, no user id header and no other consent header; the proxy logged no id.
    /// </summary>
    private void AssertInvariants(YarpEgressProxy proxy)
    {
        Assert.All(_answers, a =>
        {
            var received = _partner.RequestsMarked(a.Marker);
            Assert.Equal((a.Forwarded ? 1 : 0, a.ToString()), (received.Count, a.ToString()));
            foreach (var request in received)
            {
                Assert.Equal((a.DecisionId, a.ToString()), (request.Headers.GetValueOrDefault("X-Consent-Decision-Id"), a.ToString()));
                Assert.Equal(["X-Consent-Decision-Id"], request.ConsentHeaders, StringComparer.OrdinalIgnoreCase);
                Assert.False(request.Headers.ContainsKey(UserIdHeader), $"the user id header reached the partner: {a}");
            }
        });

        Assert.NotEmpty(proxy.Logs);
        var secrets = _secrets.ToArray();
        var leaking = proxy.Logs.Count(log => secrets.Any(secret => log.Contains(secret, StringComparison.Ordinal)));
        Assert.True(leaking == 0, $"{leaking} of the proxy's {proxy.Logs.Count} log events name a user or device id or a personal value");
    }

    /// <summary>
    /// Compares the body the partner got with the expected one, structurally. A property whose
    /// value is an empty object or array once the fields in it were removed (<c>"user":{}</c> once
    /// <c>$.user.email</c> is gone; docs/redacting-proxy.md: "removed fields leave their containers")
    /// carries nothing: keeping or dropping it are both right, so such properties are left out on
    /// both sides. Array elements are never left out, even empty ones: how many there are is data.
    /// </summary>
    private void AssertSameJson(JsonNode expected, string actualText, string label)
    {
        var actual = JsonNode.Parse(actualText);
        var (e, a) = (WithoutEmptyContainers(expected), WithoutEmptyContainers(actual));
        Assert.True(JsonNode.DeepEquals(e, a), $"{label}: the partner got {Redact(actualText)}, expected {Redact(expected.ToJsonString())}");
    }

    private static JsonNode? WithoutEmptyContainers(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Select(p => KeyValuePair.Create(p.Key, WithoutEmptyContainers(p.Value)))
            .Where(p => p.Value is not (JsonObject { Count: 0 } or JsonArray { Count: 0 }))),
        JsonArray array => new JsonArray([.. array.Select(WithoutEmptyContainers)]),
        _ => node?.DeepClone(),
    };

    private string Redact(string text) =>
        _secrets.Aggregate(text, (redacted, secret) => redacted.Replace(secret, "<redacted>", StringComparison.Ordinal));

    private static string[] RemovedPaths(ProxyAnswer answer) =>
        [.. (answer.Removed ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];

    private static string[] Strings(JsonArray array) => [.. array.Select(n => (string)n!).Order(StringComparer.Ordinal)];

    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    private string Secret(string id)
    {
        _secrets.Add(id);
        return id;
    }

    private async Task<string> AccountAsync(string country, bool? setting = null, string signedUpAt = "2021-03-01T00:00:00Z", GatewayServer? on = null) =>
        Secret(await (on ?? server).CreateAccountAsync(country, signedUpAt, enabled: setting));

    private async Task<string> DeviceAsync(string? userId = null) => Secret(await server.RegisterDeviceAsync(userId));

    /// <summary>One answer of the proxy to the caller. Its text names no user or device id.</summary>
    private sealed record ProxyAnswer(
        string Route, HttpStatusCode Status, string? ContentType, string? Decision, string? DecisionId, string? Removed, bool FromPartner, string Marker, string Body)
    {
        /// <summary>The partner's own answer came back: the request was forwarded.</summary>
        public bool Forwarded => Status == HttpStatusCode.OK && FromPartner;

        /// <summary>The proxy's problem body, when it answered with one.</summary>
        public JsonNode? Problem => ContentType == "application/problem+json" ? JsonNode.Parse(Body) : null;

        public override string ToString() =>
            $"{Route} {(int)Status} decision={Decision} decisionId={DecisionId} removed={Removed} fromPartner={FromPartner} marker={Marker} body={Body}";
    }
}
