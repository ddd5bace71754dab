using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Testing;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary><c>GET /api/v1/policy</c>: the policy in force, for egress proxies and the account service only.</summary>
public class PolicyApiTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Fact]
    public async Task A_proxy_reads_the_policy_in_force_with_its_version_and_document()
    {
        using var proxy = server.Proxy();
        using var response = await proxy.GetAsync("/api/v1/policy");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var document = answer.RootElement.GetProperty("document");

        // The shipped document, read from the repository, not from the code under test.
        using var shipped = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "src/ConsentGateway.Core/Policy/default-policy.json")));
        Assert.Equal(shipped.RootElement.GetProperty("policyVersion").GetString(), answer.RootElement.GetProperty("policyVersion").GetString());
        Assert.Equal(shipped.RootElement.GetProperty("policyVersion").GetString(), document.GetProperty("policyVersion").GetString());
        Assert.Equal(Names(shipped.RootElement, "partners"), Names(document, "partners"));
        Assert.Equal(Names(shipped.RootElement, "partnerships"), Names(document, "partnerships"));
        Assert.Equal(
            shipped.RootElement.GetProperty("neverShared").EnumerateArray().Select(e => e.GetString()),
            document.GetProperty("neverShared").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_account_service_reads_the_policy_too()
    {
        using var service = server.AccountService();
        var answer = await service.GetFromJsonAsync<PolicyResponse>("/api/v1/policy");
        Assert.Equal("2020-04-06", answer!.PolicyVersion);
    }

    [Fact]
    public async Task A_user_token_is_forbidden_and_no_credential_is_unauthorized()
    {
        using var user = server.User("policy-reader");
        using var forbidden = await user.GetAsync("/api/v1/policy");
        Assert.Equal((HttpStatusCode.Forbidden, ProblemTypes.Of(ProblemCodes.Forbidden)), (forbidden.StatusCode, await ProblemTypeAsync(forbidden)));

        using var anonymous = server.Client(null);
        using var unauthorized = await anonymous.GetAsync("/api/v1/policy");
        Assert.Equal((HttpStatusCode.Unauthorized, ProblemTypes.Of(ProblemCodes.Unauthorized)), (unauthorized.StatusCode, await ProblemTypeAsync(unauthorized)));

        using var wrongKey = server.Proxy("not-a-configured-key");
        using var refused = await wrongKey.GetAsync("/api/v1/policy");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static string?[] Names(JsonElement document, string list) =>
        [.. document.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("id").GetString())];

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString();
}
