using System.Net;
using System.Text.Json;

namespace ConsentGateway.Client.Tests;

public sealed class PolicyTests
{
    [Fact]
    public async Task The_policy_is_read_from_api_v1_policy_with_the_key_header()
    {
        var handler = FakeHandler.Answering("""{"policyVersion":"2020-04-06","document":{"neverShared":["email"],"partners":[{"id":"google"}]}}""");
        using var provider = TestClient.Build(handler);

        var policy = await provider.Client().GetPolicyAsync();

        Assert.Equal("2020-04-06", policy.PolicyVersion);
        Assert.Equal("email", policy.Document.GetProperty("neverShared")[0].GetString());
        var (request, _) = Assert.Single(handler.Calls);
        Assert.Equal((HttpMethod.Get, "http://gateway.test/api/v1/policy"), (request.Method, request.RequestUri!.ToString()));
        Assert.Equal([TestClient.Key], request.Headers.GetValues("X-Consent-Key"));
    }

    [Fact]
    public async Task A_refused_policy_read_throws_with_the_status_and_the_problem_code()
    {
        using var provider = TestClient.Build(new FakeHandler((_, _, _) =>
            Task.FromResult(FakeHandler.Json("""{"type":"urn:consent-gateway:problem:proxy-unauthorized","code":"proxy-unauthorized"}""", HttpStatusCode.Unauthorized))));

        var error = await Assert.ThrowsAsync<ConsentGatewayException>(() => provider.Client().GetPolicyAsync());

        Assert.Equal(new GatewayRefusal(401, "proxy-unauthorized"), error.Refusal);
    }

    public static TheoryData<string, Func<HttpRequestMessage, string, CancellationToken, Task<HttpResponseMessage>>> Unavailable => new()
    {
        { "refused connection", (_, _, _) => throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111)) },
        { "503", (_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)) },
        { "not a policy", (_, _, _) => Task.FromResult(FakeHandler.Json("""{"hello":"world"}""")) },
        { "not JSON", (_, _, _) => Task.FromResult(FakeHandler.Json("""{"policyVersion":""")) },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task A_policy_that_cannot_be_read_throws_without_a_refusal(string label, Func<HttpRequestMessage, string, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        using var provider = TestClient.Build(new FakeHandler(answer), o => o.Retries = 0);

        var error = await Assert.ThrowsAsync<ConsentGatewayException>(() => provider.Client().GetPolicyAsync());

        Assert.True(error.Refusal is null, label);
    }

    [Fact]
    public async Task The_document_outlives_the_answer_it_came_in()
    {
        using var provider = TestClient.Build(FakeHandler.Answering("""{"policyVersion":"p","document":{"partners":[]}}"""));

        var policy = await provider.Client().GetPolicyAsync();
        provider.Dispose();

        Assert.Equal(JsonValueKind.Array, policy.Document.GetProperty("partners").ValueKind);
    }
}
