using System.Net;
using System.Text;
using ConsentGateway.Testing;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>
/// Which request headers reach the partner: the content headers and what the route names, nothing
/// else the caller sent (credentials, cookies, trace context, baggage, forwarding and internal headers).
/// </summary>
public sealed class HeaderHygieneTests
{
    private const string Body = """{"userId":"user-4711","ads":[{"id":1}]}""";

    // Everything a caller inside might send along, each a leak if it reached the partner.
    private static readonly (string Name, string Value)[] CallerHeaders =
    [
        ("Cookie", "session=internal-session"),
        ("Authorization", "Bearer internal-token"),
        ("X-Internal-User-Email", "alice@example.com"),
        ("baggage", "user.id=user-4711, enduser.email=alice%40example.com"),
        ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        ("tracestate", "internal=opaque"),
        ("X-Consent-Decision-Id", "forged"),
        ("X-Forwarded-For", "10.1.2.3"),
        ("X-Request-Source", "campaign-service"),
        ("Accept", "application/json"),
    ];

    [Fact]
    public async Task Only_the_content_headers_and_the_route_named_header_reach_the_partner()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(await RecordingServer.StartPartnerAsync(), "--ConsentProxy:Routes:lenient:ForwardHeaders:0", "X-Request-Source");

        var received = await SendAsync(proxy);

        Assert.Equal(
            ["Accept", "Content-Length", "Content-Type", "X-Request-Source"],
            received.Headers.Keys.Where(name => !name.Equals("Host", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
        Assert.Equal(("campaign-service", "application/json"), (received.Headers["X-Request-Source"], received.Headers["Accept"]));
        Assert.Equal(Body, received.Body);
    }

    [Fact]
    public async Task A_route_that_names_trace_context_cookies_and_the_decision_id_gets_them_and_the_proxys_own_decision_id()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(
            await RecordingServer.StartPartnerAsync(),
            "--ConsentProxy:Routes:lenient:ForwardHeaders:0", "Cookie",
            "--ConsentProxy:Routes:lenient:ForwardHeaders:1", "traceparent",
            "--ConsentProxy:Routes:lenient:ForwardHeaders:2", "X-Consent-Decision-Id");

        var received = await SendAsync(proxy);

        Assert.Equal("session=internal-session", received.Headers["Cookie"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", received.Headers["traceparent"]);
        Assert.Equal(FakeConsentGateway.DecisionId.ToString(), received.Headers["X-Consent-Decision-Id"]);
        Assert.DoesNotContain(received.Headers.Keys, name => name is "baggage" or "tracestate" or "Authorization" or "X-Internal-User-Email" or "X-Forwarded-For");
    }

    private static async Task<RecordedRequest> SendAsync(ProxyUnderTest proxy)
    {
        // A client that adds no trace context of its own: what the partner gets is the proxy's doing.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null, UseCookies = false }) { BaseAddress = proxy.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/lenient/v1/conversions") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in CallerHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var answer = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return Assert.Single(proxy.Partner.Requests);
    }
}
