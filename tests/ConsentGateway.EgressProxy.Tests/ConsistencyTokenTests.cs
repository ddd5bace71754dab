using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsentGateway.Client;
using ConsentGateway.Contracts;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>
/// Read-your-writes through the proxy: a caller's consistency token (from a configurable request
/// header) goes to the gateway with the question, never to the partner, and is never answered
/// from the proxy's answer cache.
/// </summary>
public sealed class ConsistencyTokenTests
{
    private const string Body = """{"ip":"203.0.113.7","device":{"adId":"ad-0815"},"country":"DE"}""";
    private const string Token = "ct1.a-write-s-token";

    [Fact]
    public async Task The_token_header_goes_to_the_gateway_with_the_question_and_never_to_the_partner()
    {
        await using var proxy = await ProxyUnderTest.StartAsync();

        using var answer = await SendAsync(proxy.Client, (ConsentHeaders.AtLeastAsFresh, Token));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(Token, Assert.Single(proxy.Gateway.Questions).AtLeastAsFresh);
        var received = Assert.Single(proxy.Partner.Requests);
        Assert.DoesNotContain(received.Headers.Keys, name => name.Equals(ConsentHeaders.AtLeastAsFresh, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Token, string.Join('\n', received.Headers.Values), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, string.Join('\n', proxy.Logs.Events), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_header_is_read_instead_and_removed_too()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(await RecordingServer.StartPartnerAsync(), "--ConsentProxy:ConsistencyTokenHeader", "X-App-Read-After");

        using var answer = await SendAsync(proxy.Client, ("X-App-Read-After", Token), (ConsentHeaders.AtLeastAsFresh, "ct1.not-this-one"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(Token, Assert.Single(proxy.Gateway.Questions).AtLeastAsFresh);
        var received = Assert.Single(proxy.Partner.Requests);
        Assert.False(received.Headers.ContainsKey("X-App-Read-After"));
        Assert.Equal(["X-Consent-Decision-Id"], received.ConsentHeaders);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_token_or_with_an_empty_one_the_question_has_none(bool empty)
    {
        await using var proxy = await ProxyUnderTest.StartAsync();

        using var answer = empty ? await SendAsync(proxy.Client, (ConsentHeaders.AtLeastAsFresh, "")) : await SendAsync(proxy.Client);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Null(Assert.Single(proxy.Gateway.Questions).AtLeastAsFresh);
    }

    [Fact]
    public async Task Two_tokens_are_refused_and_nothing_is_asked_or_forwarded()
    {
        await using var proxy = await ProxyUnderTest.StartAsync();

        using var answer = await SendAsync(proxy.Client, (ConsentHeaders.AtLeastAsFresh, Token), (ConsentHeaders.AtLeastAsFresh, "ct1.another"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(ProblemCodes.RepeatedHeader, await CodeAsync(answer));
        Assert.Empty(proxy.Gateway.Questions);
        Assert.Empty(proxy.Partner.Requests);
    }

    [Theory]
    [InlineData(ProblemCodes.MalformedConsistencyToken)]
    [InlineData(ProblemCodes.ForgedConsistencyToken)]
    public async Task A_token_the_gateway_refuses_is_the_caller_s_400_not_a_misconfigured_rule(string code)
    {
        await using var proxy = await ProxyUnderTest.StartAsync();
        proxy.Gateway.Answer = question => ConsentResult.Refused(question, new GatewayRefusal(400, code));

        using var answer = await SendAsync(proxy.Client, (ConsentHeaders.AtLeastAsFresh, Token));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(code, await CodeAsync(answer));
        Assert.Empty(proxy.Partner.Requests);
    }

    [Fact]
    public async Task With_the_real_client_a_request_with_a_token_is_never_answered_from_the_proxy_s_cache()
    {
        // A stub gateway: every item allowed, for a minute.
        var gateway = await RecordingServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            if (context.Request.Path.StartsWithSegments(ApiRoutes.PolicyPath))
            {
                await context.Response.WriteAsync(JsonSerializer.Serialize(FakeConsentGateway.KnownPolicy, JsonSerializerOptions.Web));
                return;
            }

            await context.Response.WriteAsync($$"""{"decision":"allow","allowed":["ip_address","mobile_ad_id"],"denied":[],"reasons":["SETTING_ENABLED"],"partnership":"ad-platforms","policyVersion":"2020-04-06","consentVersion":1,"decisionId":"{{Guid.NewGuid()}}","ttlSeconds":60}""");
        });
        await using var stub = gateway;
        await using var partner = await RecordingServer.StartPartnerAsync();
        await using var app = EgressProxyServer.Build([.. ProxyUnderTest.Arguments(partner.BaseAddress), "--ConsentGateway:BaseAddress", gateway.BaseAddress.ToString(), "--ConsentGateway:Timeout", "00:00:05"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using (await SendAsync(client))
        using (await SendAsync(client))
        using (var fresh = await SendAsync(client, (ConsentHeaders.AtLeastAsFresh, Token)))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await app.StopAsync();

        var asked = gateway.Requests.Where(r => r.Path == ApiRoutes.EvaluatePath).Select(r => JsonNode.Parse(r.Body)!["consistency"]?["atLeastAsFresh"]?.GetValue<string>()).ToList();
        Assert.Equal([null, Token], asked);
        Assert.Equal(3, partner.Requests.Count);
        Assert.All(partner.Requests, r => Assert.False(r.Headers.ContainsKey(ConsentHeaders.AtLeastAsFresh)));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/google/e") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-User-Id", "user-4711");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage answer) =>
        (string?)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["code"];
}
