using ConsentGateway.Testing;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;
using static ConsentGateway.EndToEnd.Tests.Proxies.NginxServer;

namespace ConsentGateway.EndToEnd.Tests.Proxies;

/// <summary>
/// How the shipped nginx configuration treats the check's answers, against a stub gateway that
/// answers what each test needs, including what the real one never does (hangs, errors): what
/// is cached and for how long, what the gateway is sent, and that every failure fails closed.
/// The stub reads its instruction from X-Consent-User, <c>kind-ttl[-anything]</c>:
/// <c>allow-30</c> 200 and <c>deny-30</c> 403 with <c>X-Accel-Expires: 30</c> (and
/// <c>Cache-Control: private, max-age=30</c>), <c>private-30</c> 200 with the Cache-Control
/// only, <c>status-500</c> a bare 500, <c>slow-0</c> an allow that comes too late.
/// </summary>
public sealed class NginxCheckTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ConfiguredKey = "key-in-the-nginx-configuration";

    private RecordingServer _gateway = null!;
    private RecordingServer _partner = null!;
    private NginxServer _nginx = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RecordingServer.StartAsync(StubGatewayAsync);
        _partner = await RecordingServer.StartPartnerAsync();
        _nginx = await NginxServer.StartAsync(_gateway.BaseAddress, ConfiguredKey, _partner, output);
    }

    public async Task DisposeAsync()
    {
        await _nginx.DisposeAsync();
        await _partner.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_check_answer_is_cached_for_its_X_Accel_Expires_and_never_when_it_is_0()
    {
        foreach (var (user, status, checks) in (IEnumerable<(string, HttpStatusCode, int)>)[
            ("allow-30", HttpStatusCode.OK, 1),
            ("deny-30", HttpStatusCode.Forbidden, 1),
            ("allow-0", HttpStatusCode.OK, 3),
            ("deny-0", HttpStatusCode.Forbidden, 3),
            ("private-30", HttpStatusCode.OK, 3)])
        {
            var answers = new List<EgressAnswer>();
            for (var i = 0; i < 3; i++)
            {
                answers.Add(await _nginx.SendAsync(GoogleRoute, user));
            }

            Assert.All(answers, a => Assert.Equal((status, status == HttpStatusCode.OK), (a.Status, a.FromPartner)));
            Assert.Equal((user, checks), (user, ChecksAbout(user)));

            // A cached answer is the gateway's answer: same decision, same decision id.
            Assert.Equal(checks, answers.Select(a => a.DecisionId).Distinct().Count());
        }

        Assert.Equal(9, _partner.Requests.Count);
    }

    [Fact]
    public async Task A_cached_answer_is_asked_again_once_its_ttl_has_passed()
    {
        await _nginx.SendAsync(GoogleRoute, "allow-1");
        Assert.Equal(1, ChecksAbout("allow-1"));

        // nginx keeps an answer until the end of the second its ttl ends in: between 1 and 2 s here.
        await Poll.UntilAsync(TimeSpan.FromSeconds(10), async () =>
        {
            await _nginx.SendAsync(GoogleRoute, "allow-1");
            return ChecksAbout("allow-1") == 2;
        }, () => $"{ChecksAbout("allow-1")} checks");
    }

    [Fact]
    public async Task The_check_cache_is_keyed_on_every_header_sent_to_the_gateway()
    {
        (string Route, string User, string? Device, string Data, string? Country)[] distinct =
        [
            (GoogleRoute, "allow-30", "device-1", "ip_address", "DE"),
            (GoogleRoute, "allow-30-other-user", "device-1", "ip_address", "DE"),
            (GoogleRoute, "allow-30", "device-2", "ip_address", "DE"),
            (GoogleRoute, "allow-30", null, "ip_address", "DE"),
            (GoogleRoute, "allow-30", "device-1", "ip_address,mobile_ad_id", "DE"),
            (GoogleRoute, "allow-30", "device-1", "ip_address", "FR"),
            (GoogleRoute, "allow-30", "device-1", "ip_address", null),
            (FacebookRoute, "allow-30", "device-1", "ip_address", "DE"),
            (ExampleAdvertiserRoute, "allow-30", "device-1", "ip_address", "DE"),
        ];

        for (var round = 0; round < 2; round++)
        {
            foreach (var (route, user, device, data, country) in distinct)
            {
                Assert.Equal(HttpStatusCode.OK, (await _nginx.SendAsync(route, user, device, data, country)).Status);
            }

            Assert.Equal(distinct.Length, _gateway.Requests.Count);
        }
    }

    [Fact]
    public async Task A_check_with_a_consistency_token_is_sent_with_it_past_the_cache_and_its_answer_is_kept_for_the_question()
    {
        KeyValuePair<string, string>[] token = [new("X-Consent-At-Least-As-Fresh", "ct1.a-write-s-token")];

        var cached = await _nginx.SendAsync(GoogleRoute, "allow-30");
        await _nginx.SendAsync(GoogleRoute, "allow-30");
        var fresh = await _nginx.SendAsync(GoogleRoute, "allow-30", extraHeaders: token);
        var after = await _nginx.SendAsync(GoogleRoute, "allow-30");

        Assert.Equal(2, ChecksAbout("allow-30"));
        Assert.Equal(["ct1.a-write-s-token"], _gateway.Requests.Select(r => r.Headers.GetValueOrDefault("X-Consent-At-Least-As-Fresh")).OfType<string>());
        Assert.NotEqual(cached.DecisionId, fresh.DecisionId);
        Assert.Equal(fresh.DecisionId, after.DecisionId);
        Assert.Equal(4, _partner.Requests.Count);
        Assert.All(_partner.Requests, request => Assert.Empty(request.ConsentHeaders));
    }

    [Fact]
    public async Task The_gateway_is_sent_only_the_consent_headers_with_the_key_and_partner_of_the_configuration()
    {
        KeyValuePair<string, string>[] callerHeaders =
        [
            new("Authorization", "Bearer partner-credential"),
            new("Cookie", "session=abc"),
            new("X-Consent-Key", "key-of-the-caller"),
            new("X-Consent-Partner", "facebook"),
            new("X-Consent-Via", "example-processor"),
        ];

        await _nginx.SendAsync(GoogleRoute, "allow-0", "device-1", "ip_address, mobile_ad_id", "DE", callerHeaders, body: """{"a":1}""");
        await _nginx.SendAsync(ExampleAdvertiserRoute, "allow-0-b", null, "ad_interactions", null, callerHeaders);

        var checks = _gateway.Requests.ToArray();
        Assert.Equal(2, checks.Length);
        Assert.All(checks, check =>
        {
            Assert.Equal(("GET", "/api/v1/check", ""), (check.Method, check.Path, check.Body));
            Assert.Equal(ConfiguredKey, check.Headers["X-Consent-Key"]);
            Assert.Equal(_gateway.BaseAddress.Host, check.Headers["Host"]);
            Assert.DoesNotContain("Authorization", check.Headers.Keys);
            Assert.DoesNotContain("Cookie", check.Headers.Keys);
            Assert.DoesNotContain(RecordingServer.MarkerHeader, check.Headers.Keys);
            Assert.DoesNotContain("Content-Length", check.Headers.Keys);
        });
        Assert.Equal(
            ["X-Consent-Country=DE", "X-Consent-Data=ip_address, mobile_ad_id", "X-Consent-Device=device-1", $"X-Consent-Key={ConfiguredKey}", "X-Consent-Partner=google", "X-Consent-User=allow-0"],
            ConsentHeaders(checks[0]));
        Assert.Equal(
            ["X-Consent-Data=ad_interactions", $"X-Consent-Key={ConfiguredKey}", "X-Consent-Partner=example-advertiser", "X-Consent-User=allow-0-b", "X-Consent-Via=example-processor"],
            ConsentHeaders(checks[1]));

        // And the partner gets the caller's own headers, but no consent header.
        Assert.All(_partner.Requests, request =>
        {
            Assert.Empty(request.ConsentHeaders);
            Assert.Equal(("Bearer partner-credential", "session=abc"), (request.Headers["Authorization"], request.Headers["Cookie"]));
        });
    }

    [Fact]
    public async Task A_gateway_slower_than_the_proxy_timeout_fails_closed()
    {
        var answer = await _nginx.SendAsync(GoogleRoute, "slow-0");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "deny", "GATEWAY_UNAVAILABLE", false), (answer.Status, answer.Decision, answer.Reason, answer.FromPartner));
        Assert.Empty(_partner.Requests);
        Assert.Contains("upstream timed out", _nginx.ErrorLog(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, HttpStatusCode.ServiceUnavailable, "GATEWAY_UNAVAILABLE")]
    [InlineData(502, HttpStatusCode.ServiceUnavailable, "GATEWAY_UNAVAILABLE")]
    [InlineData(503, HttpStatusCode.ServiceUnavailable, "GATEWAY_UNAVAILABLE")]
    [InlineData(404, HttpStatusCode.ServiceUnavailable, "GATEWAY_UNAVAILABLE")]
    [InlineData(302, HttpStatusCode.ServiceUnavailable, "GATEWAY_UNAVAILABLE")]
    [InlineData(401, HttpStatusCode.ServiceUnavailable, "PROXY_UNAUTHORIZED")]
    [InlineData(400, HttpStatusCode.BadRequest, "BAD_CONSENT_HEADERS")]
    public async Task A_gateway_answer_other_than_200_or_403_never_lets_the_request_through(int gatewayStatus, HttpStatusCode expected, string reason)
    {
        var user = $"status-{gatewayStatus}";
        var first = await _nginx.SendAsync(GoogleRoute, user);
        var second = await _nginx.SendAsync(GoogleRoute, user);

        Assert.All(new[] { first, second }, answer => Assert.Equal((expected, "deny", reason, false), (answer.Status, answer.Decision, answer.Reason, answer.FromPartner)));
        Assert.Equal(2, ChecksAbout(user));
        Assert.Empty(_partner.Requests);
    }

    private int ChecksAbout(string user) => _gateway.Requests.Count(r => r.Headers.GetValueOrDefault("X-Consent-User") == user);

    private static string[] ConsentHeaders(RecordedRequest request) =>
        [.. request.Headers.Where(h => h.Key.StartsWith("X-Consent-", StringComparison.OrdinalIgnoreCase)).Select(h => $"{h.Key}={h.Value}").Order(StringComparer.Ordinal)];

    private static async Task StubGatewayAsync(HttpContext context)
    {
        var response = context.Response;
        var instruction = context.Request.Headers["X-Consent-User"].ToString().Split('-');
        var kind = instruction[0];
        var number = instruction.Length > 1 && int.TryParse(instruction[1], CultureInfo.InvariantCulture, out var n) ? n : 0;
        switch (kind)
        {
            case "status":
                response.StatusCode = number;
                if (number == 302)
                {
                    response.Headers.Location = "/elsewhere";
                }

                return;
            case "slow":
                // Far beyond the template's read timeout; the request is gone by then.
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
        }

        response.StatusCode = kind is "deny" ? StatusCodes.Status403Forbidden : StatusCodes.Status200OK;
        response.Headers["X-Consent-Decision"] = kind is "deny" ? "deny" : "allow";
        response.Headers["X-Consent-Reason"] = kind is "deny" ? "SETTING_DISABLED" : "SETTING_ENABLED";
        response.Headers["X-Consent-Decision-Id"] = Guid.NewGuid().ToString();
        response.Headers.CacheControl = $"private, max-age={number}";
        if (kind is not "private")
        {
            response.Headers["X-Accel-Expires"] = number.ToString(CultureInfo.InvariantCulture);
        }

        response.ContentLength = 0;
    }
}
