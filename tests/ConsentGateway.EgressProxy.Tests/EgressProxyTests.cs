using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ConsentGateway.Client;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>
/// The proxy through real HTTP (Kestrel in front of a recording stub partner), with a fake gateway:
/// what is forwarded, removed or refused, what is asked, and which headers cross.
/// </summary>
public sealed class EgressProxyTests : IAsyncLifetime
{
    private const string UserId = "user-4711";
    private const string AllowBody = """{"ip":"203.0.113.7","device":{"adId":"ad-0815"},"country":"DE","event":"install"}""";

    private ProxyUnderTest _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyUnderTest.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task An_allowed_request_reaches_the_partner_exactly_as_sent_with_the_decision_id()
    {
        using var answer = await SendAsync("/google/v1/events?source=app", AllowBody);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("partner ok", await answer.Content.ReadAsStringAsync());
        Assert.Equal("allow", Header(answer, "X-Consent-Decision"));
        Assert.Equal(FakeConsentGateway.DecisionId.ToString(), Header(answer, "X-Consent-Decision-Id"));
        Assert.False(answer.Headers.Contains("X-Consent-Removed"));

        var received = Assert.Single(_proxy.Partner.Requests);
        Assert.Equal(("POST", "/v1/events?source=app", AllowBody), (received.Method, received.Path, received.Body));
        Assert.Equal(FakeConsentGateway.DecisionId.ToString(), received.Headers["X-Consent-Decision-Id"]);
        Assert.Equal(Encoding.UTF8.GetByteCount(AllowBody).ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["Content-Length"]);
    }

    [Fact]
    public async Task The_gateway_is_asked_about_the_route_partner_the_subject_and_each_data_item_once()
    {
        using var answer = await SendAsync("/google/e", """{"ip":"1","events":[{"ip":"2","name":"a"},{"ip":"3"}],"device":{"adId":"ad-0815"},"country":"FR"}""");

        var question = Assert.Single(_proxy.Gateway.Questions);
        Assert.Equal(("google", (string?)null, UserId, "ad-0815", "FR"), (question.Partner, question.Via, question.UserId, question.DeviceAdId, question.Country));
        Assert.Equal(["ip_address", "mobile_ad_id"], question.Data);
    }

    [Fact]
    public async Task A_partial_decision_forwards_the_body_without_the_denied_fields()
    {
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question, ("email", "NEVER_SHARED_DATA"), ("mobile_ad_id", "SETTING_DISABLED"));

        using var answer = await SendAsync("/google/e", """{"ip":"1","user":{"email":"a@example.com"},"device":{"adId":"ad-0815"},"event":"x","events":[{"ip":"2","name":"n"}]}""");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("partial", Header(answer, "X-Consent-Decision"));
        Assert.Equal(["$.user.email", "$.device.adId"], Header(answer, "X-Consent-Removed")!.Split(','));
        var received = Assert.Single(_proxy.Partner.Requests);
        AssertJsonEqual("""{"ip":"1","user":{},"device":{},"event":"x","events":[{"ip":"2","name":"n"}]}""", received.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(received.Body).ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["Content-Length"]);
    }

    [Fact]
    public async Task A_data_item_the_answer_does_not_allow_is_removed_even_when_it_is_not_listed_as_denied()
    {
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question) with { Decision = "partial", Allowed = ["ip_address"] };

        using var answer = await SendAsync("/google/e", AllowBody);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        AssertJsonEqual("""{"ip":"203.0.113.7","device":{},"country":"DE","event":"install"}""", Assert.Single(_proxy.Partner.Requests).Body);
    }

    [Fact]
    public async Task A_deny_is_a_403_problem_with_the_reasons_and_nothing_reaches_the_partner()
    {
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question, ("ip_address", "SETTING_DISABLED"), ("mobile_ad_id", "SETTING_DISABLED"));

        using var answer = await SendAsync("/google/e", AllowBody);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(("deny", FakeConsentGateway.DecisionId.ToString()), (Header(answer, "X-Consent-Decision"), Header(answer, "X-Consent-Decision-Id")));
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal(("consent-denied", 403, "deny", "google"), ((string?)problem["code"], (int?)problem["status"], (string?)problem["decision"], (string?)problem["partner"]));
        Assert.Equal(["SETTING_DISABLED"], problem["reasons"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(["ip_address", "mobile_ad_id"], problem["denied"]!.AsArray().Select(d => (string?)d!["data"]));
        Assert.Equal(FakeConsentGateway.DecisionId.ToString(), (string?)problem["decisionId"]);
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task When_the_gateway_cannot_be_asked_the_answer_is_503_and_nothing_reaches_the_partner()
    {
        _proxy.Gateway.Answer = ConsentResult.Unavailable;

        using var answer = await SendAsync("/google/e", AllowBody);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal(("gateway-unavailable", "GATEWAY_UNAVAILABLE"), ((string?)problem["code"], (string?)problem["reasons"]![0]));
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task A_question_the_gateway_refuses_is_the_proxys_misconfiguration_500_logged_with_the_route_and_no_id()
    {
        _proxy.Gateway.Answer = question => ConsentResult.Refused(question, new GatewayRefusal(400, "unknown-data-item"));

        using var answer = await SendAsync("/google/e", AllowBody);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal(("misconfigured-rule", "urn:consent-gateway:problem:misconfigured-rule"), ((string?)problem["code"], (string?)problem["type"]));
        Assert.Contains("ConsentProxy:Routes:google", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Null(Header(answer, "X-Consent-Decision"));
        Assert.Empty(_proxy.Partner.Requests);
        var logs = string.Join('\n', _proxy.Logs.Events);
        Assert.Contains("Route google: the consent gateway refused the rule's question with 400 unknown-data-item", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway-unavailable", logs, StringComparison.Ordinal);
        foreach (var secret in (string[])[UserId, "ad-0815", "203.0.113.7"])
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_country_the_gateway_refuses_is_the_callers_invalid_subject()
    {
        _proxy.Gateway.Answer = question => ConsentResult.Refused(question, new GatewayRefusal(400, "invalid-country"));

        using var answer = await SendAsync("/google/e", """{"ip":"1","country":"ZZ"}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("invalid-subject", (string?)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["code"]);
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task A_strict_route_removes_fields_no_rule_classifies_even_when_everything_is_allowed()
    {
        using var answer = await SendAsync("/google/e", """{"ip":"1","debug":{"sessionToken":"s3cret"},"user":{"name":"Alice"},"event":"x"}""");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["$.debug", "$.user.name"], Header(answer, "X-Consent-Removed")!.Split(','));
        AssertJsonEqual("""{"ip":"1","user":{},"event":"x"}""", Assert.Single(_proxy.Partner.Requests).Body);
        Assert.Equal(["ip_address"], Assert.Single(_proxy.Gateway.Questions).Data);
    }

    [Fact]
    public async Task A_lenient_route_forwards_unclassified_fields_but_still_removes_denied_ones()
    {
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question, ("ad_interactions", "SETTING_DISABLED"));
        const string Body = """{"userId":"user-4711","ads":[{"id":1}],"campaign":"c-1"}""";

        using var denied = await SendAsync("/lenient/e", Body, userHeader: null);
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question);
        using var allowed = await SendAsync("/lenient/e", Body, userHeader: null);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK), (denied.StatusCode, allowed.StatusCode));
        Assert.Equal(Body, Assert.Single(_proxy.Partner.Requests).Body);
        Assert.All(_proxy.Gateway.Questions, question =>
            Assert.Equal(("example-advertiser", "example-processor", UserId, "ad_interactions"), (question.Partner, question.Via, question.UserId, Assert.Single(question.Data))));
    }

    [Fact]
    public async Task A_body_with_no_data_item_is_forwarded_without_asking()
    {
        using var answer = await SendAsync("/google/e", """{"event":"heartbeat"}""", userHeader: null);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(_proxy.Gateway.Questions);
        var received = Assert.Single(_proxy.Partner.Requests);
        Assert.False(received.Headers.ContainsKey("X-Consent-Decision-Id"));
        Assert.False(answer.Headers.Contains("X-Consent-Decision"));
    }

    [Fact]
    public async Task A_request_without_a_body_is_forwarded_without_asking()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/google/status");
        request.Headers.Add("X-User-Id", UserId);
        using var answer = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(_proxy.Gateway.Questions);
        var received = Assert.Single(_proxy.Partner.Requests);
        Assert.Equal(("GET", "/status", ""), (received.Method, received.Path, received.Body));
        Assert.False(received.Headers.ContainsKey("X-User-Id"));
    }

    [Fact]
    public async Task Subject_headers_caller_consent_headers_and_forwarding_headers_never_reach_the_partner()
    {
        using var request = Request("/google/e", AllowBody, UserId);
        request.Headers.Add("X-Consent-Decision-Id", "forged");
        request.Headers.Add("X-Consent-Partner", "facebook");
        request.Headers.Add("X-Consent-Key", "a-caller-key");
        request.Headers.Add("X-Partner-Api-Key", "partner-credential");
        using var answer = await _proxy.Client.SendAsync(request);

        var received = Assert.Single(_proxy.Partner.Requests);
        Assert.Equal(["X-Consent-Decision-Id"], received.ConsentHeaders);
        Assert.Equal(FakeConsentGateway.DecisionId.ToString(), received.Headers["X-Consent-Decision-Id"]);
        Assert.False(received.Headers.ContainsKey("X-User-Id"));
        Assert.DoesNotContain(received.Headers.Keys, name => name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) || name == "Forwarded");
        Assert.Equal("partner-credential", received.Headers["X-Partner-Api-Key"]);
    }

    [Fact]
    public async Task Consent_headers_from_the_partner_never_reach_the_caller()
    {
        var partner = await RecordingServer.StartAsync(async context =>
        {
            context.Response.Headers["X-Consent-Decision"] = "spoofed";
            context.Response.Headers["X-Consent-Removed"] = "spoofed";
            await context.Response.WriteAsync("ok");
        });
        await using var proxy = await ProxyUnderTest.StartAsync(partner);

        using var request = Request("/google/e", AllowBody, UserId);
        using var answer = await proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("allow", Header(answer, "X-Consent-Decision"));
        Assert.False(answer.Headers.Contains("X-Consent-Removed"));
    }

    [Fact]
    public async Task A_chunked_body_is_classified_and_forwarded_with_its_new_length()
    {
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question, ("email", "NEVER_SHARED_DATA"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/google/e")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"ip":"1","user":{"email":"a@example.com"}}"""))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-User-Id", UserId);

        using var answer = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var received = Assert.Single(_proxy.Partner.Requests);
        AssertJsonEqual("""{"ip":"1","user":{}}""", received.Body);
        Assert.False(received.Headers.ContainsKey("Transfer-Encoding"));
        Assert.Equal(Encoding.UTF8.GetByteCount(received.Body).ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["Content-Length"]);
    }

    public static TheoryData<string, string?, string, HttpStatusCode, string> BadRequests => new()
    {
        { "{\"ip\":\"1\"", "application/json", UserId, HttpStatusCode.BadRequest, "malformed-json" },
        { """{"ip":"1","ip":"2"}""", "application/json", UserId, HttpStatusCode.BadRequest, "malformed-json" },
        { "\"203.0.113.7\"", "application/json", UserId, HttpStatusCode.BadRequest, "unclassifiable-body" },
        { "ip=203.0.113.7", "application/x-www-form-urlencoded", UserId, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type" },
        { """{"ip":"1"}""", "text/plain", UserId, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type" },
        { """{"ip":"1"}""", null, UserId, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type" },
        { """{"ip":"1"}""", "application/json", "", HttpStatusCode.BadRequest, "missing-subject" },
        { """{"ip":"1"}""", "application/json", "bad id with spaces", HttpStatusCode.BadRequest, "invalid-subject" },
        { """{"ip":"1","device":{"adId":42}}""", "application/json", UserId, HttpStatusCode.BadRequest, "invalid-subject" },
        { """{"ip":"1","country":"Germany"}""", "application/json", UserId, HttpStatusCode.BadRequest, "invalid-subject" },
        { """{"ip":"1","pad":"<pad>"}""", "application/json", UserId, HttpStatusCode.RequestEntityTooLarge, "body-too-large" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_a_problem_and_neither_the_gateway_nor_the_partner_hears_of_it(
        string body, string? contentType, string userHeader, HttpStatusCode status, string code)
    {
        body = body.Replace("<pad>", new string('x', ProxyUnderTest.MaxBodyBytes), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/google/e") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        if (userHeader.Length > 0)
        {
            request.Headers.Add("X-User-Id", userHeader);
        }

        using var answer = await _proxy.Client.SendAsync(request);

        Assert.Equal(status, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["code"]);
        Assert.Empty(_proxy.Gateway.Questions);
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task A_compressed_body_is_refused_as_it_cannot_be_classified()
    {
        using var request = Request("/google/e", AllowBody, UserId);
        request.Content!.Headers.ContentEncoding.Add("gzip");

        using var answer = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode);
        Assert.Equal("unsupported-content-encoding", (string?)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["code"]);
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task Two_values_of_the_subject_header_are_refused()
    {
        using var request = Request("/google/e", AllowBody, UserId);
        request.Headers.Add("X-User-Id", "someone-else");

        using var answer = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Empty(_proxy.Partner.Requests);
    }

    [Fact]
    public async Task The_log_names_routes_and_decisions_but_never_subject_ids_or_field_names()
    {
        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question, ("email", "NEVER_SHARED_DATA"));
        using (await SendAsync("/google/e", """{"ip":"1","user":{"email":"alice@example.com"},"alice@example.com":1,"device":{"adId":"ad-0815"}}"""))
        {
        }

        _proxy.Gateway.Answer = question => FakeConsentGateway.Decide(question, ("ip_address", "SETTING_DISABLED"), ("email", "NEVER_SHARED_DATA"));
        using (await SendAsync("/google/e", """{"ip":"1","user":{"email":"alice@example.com"}}"""))
        {
        }

        var logs = string.Join('\n', _proxy.Logs.Events);
        Assert.Contains("Route google: partial", logs, StringComparison.Ordinal);
        Assert.Contains("refused with 403 consent-denied", logs, StringComparison.Ordinal);
        foreach (var secret in (string[])[UserId, "ad-0815", "alice@example.com", "alice"])
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string body, string? userHeader = UserId)
    {
        using var request = Request(path, body, userHeader);
        return await _proxy.Client.SendAsync(request);
    }

    private static HttpRequestMessage Request(string path, string body, string? userHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (userHeader is not null)
        {
            request.Headers.Add("X-User-Id", userHeader);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage answer, string name) =>
        answer.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    private static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}");
}
