using System.Net;
using ConsentGateway.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>What a 401 asks for (<c>WWW-Authenticate</c>, RFC 9110 §11.6.1 and RFC 6750 §3), and the tokens refused for their dates.</summary>
public class AuthenticationChallengeTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Fact]
    public async Task A_token_route_asks_for_a_bearer_token_and_says_invalid_token_when_one_was_refused()
    {
        var path = $"/api/v1/accounts/u-{Guid.NewGuid():N}/partner-sharing";
        using (var anonymous = server.Client(null))
        using (var response = await anonymous.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(["Bearer"], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }

        var forged = DevTokens.Create(new AuthOptions { Issuer = Issuer, Audience = Audience, SigningKey = new string('x', 48) }, "u1", [Scopes.User], TimeSpan.FromMinutes(5));
        using var refused = server.Client(forged);
        using var answer = await refused.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal(["Bearer error=\"invalid_token\""], answer.Headers.WwwAuthenticate.Select(h => h.ToString()));
    }

    [Fact]
    public async Task The_proxy_routes_ask_for_a_proxy_key_and_the_policy_for_either()
    {
        using var proxy = server.Proxy("wrong-" + Guid.NewGuid().ToString("N"));
        using (var evaluated = await proxy.PostAsync("/api/v1/evaluate", Json("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]}""")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, evaluated.StatusCode);
            Assert.Equal([AuthenticationChallenges.ProxyKeyScheme], evaluated.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }

        using (var checkedWithout = await proxy.GetAsync("/api/v1/check"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, checkedWithout.StatusCode);
            Assert.Equal(["X-Consent-Key"], checkedWithout.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }

        using var anonymous = server.Client(null);
        using var policy = await anonymous.GetAsync("/api/v1/policy");
        Assert.Equal(HttpStatusCode.Unauthorized, policy.StatusCode);
        Assert.Equal(["X-Consent-Key", "Bearer"], policy.Headers.WwwAuthenticate.Select(h => h.ToString()));
    }

    [Fact]
    public async Task A_token_issued_in_the_future_beyond_the_clock_skew_is_refused()
    {
        var now = DateTime.UtcNow;
        using var ahead = server.Client(Sign(issuedAt: now.AddDays(365), now));
        using var refused = await ahead.GetAsync("/api/v1/policy");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Bearer error=\"invalid_token\"", refused.Headers.WwwAuthenticate.Select(h => h.ToString()));

        // Within the 30 s skew a clock a little ahead is tolerated, as for nbf and exp.
        using var slightlyAhead = server.Client(Sign(issuedAt: now.AddSeconds(10), now));
        using var accepted = await slightlyAhead.GetAsync("/api/v1/policy");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private string Sign(DateTime issuedAt, DateTime now) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "account-service", ["scope"] = Scopes.Accounts },
            IssuedAt = issuedAt,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(server.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
}
