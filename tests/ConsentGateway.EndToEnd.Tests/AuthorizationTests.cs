using System.Net;
using ConsentGateway.Http;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>Who may do what (SPEC §5): each call by each kind of caller, against the expected status.</summary>
public class AuthorizationTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    public enum CallerKind
    {
        Nobody,
        ForgedToken,
        ExpiredToken,
        Owner,
        OtherUser,
        UserScopeWithoutSubject,
        AccountService,
        AccountServiceViaScp,
        AccountServiceViaRoles,
        AccountServiceViaRole,
        NoScope,
    }

    // Every route for the user A, each with what each caller gets.
    [Theory]
    [InlineData("GET", "partner-sharing", CallerKind.Owner, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("GET", "partner-sharing", CallerKind.AccountService, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing", CallerKind.AccountServiceViaScp, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing", CallerKind.AccountServiceViaRoles, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing", CallerKind.AccountServiceViaRole, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "partner-sharing", CallerKind.ForgedToken, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "partner-sharing", CallerKind.ExpiredToken, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "partner-sharing", CallerKind.NoScope, HttpStatusCode.Forbidden)]
    [InlineData("GET", "partner-sharing", CallerKind.UserScopeWithoutSubject, HttpStatusCode.Forbidden)]
    [InlineData("PUT", "partner-sharing", CallerKind.Owner, HttpStatusCode.OK)]
    [InlineData("PUT", "partner-sharing", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("PUT", "partner-sharing", CallerKind.AccountService, HttpStatusCode.OK)]
    [InlineData("PUT", "partner-sharing", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    [InlineData("PUT", "partner-sharing", CallerKind.NoScope, HttpStatusCode.Forbidden)]
    [InlineData("GET", "partner-sharing/history", CallerKind.Owner, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing/history", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("GET", "partner-sharing/history", CallerKind.AccountService, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing/history", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "partner-sharing/effects", CallerKind.Owner, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing/effects", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("GET", "partner-sharing/effects", CallerKind.AccountService, HttpStatusCode.OK)]
    [InlineData("GET", "partner-sharing/effects", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "partner-sharing/effects", CallerKind.ForgedToken, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "partner-sharing/effects", CallerKind.NoScope, HttpStatusCode.Forbidden)]
    [InlineData("GET", "export", CallerKind.Owner, HttpStatusCode.OK)]
    [InlineData("GET", "export", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("GET", "export", CallerKind.AccountService, HttpStatusCode.OK)]
    [InlineData("GET", "export", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "export", CallerKind.ExpiredToken, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "export", CallerKind.UserScopeWithoutSubject, HttpStatusCode.Forbidden)]
    [InlineData("PUT", "", CallerKind.Owner, HttpStatusCode.Forbidden)]
    [InlineData("PUT", "", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("PUT", "", CallerKind.AccountService, HttpStatusCode.OK)]
    [InlineData("PUT", "", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    [InlineData("DELETE", "", CallerKind.Owner, HttpStatusCode.Forbidden)]
    [InlineData("DELETE", "", CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData("DELETE", "", CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    public async Task Account_routes_answer_each_caller_as_the_scopes_allow(string method, string subPath, CallerKind caller, HttpStatusCode expected)
    {
        var userId = await server.CreateAccountAsync();
        var historyBefore = await server.HistoryAsync(userId);

        using var client = server.Client(TokenFor(caller, userId));
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/accounts/{userId}/{subPath}".TrimEnd('/'));
        if (method == "PUT")
        {
            request.Content = Json(subPath == "" ? """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""" : """{"enabled":true}""");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(historyBefore.Changes.Count, (await server.HistoryAsync(userId)).Changes.Count);
        }
    }

    [Theory]
    [InlineData(CallerKind.Owner, HttpStatusCode.Forbidden)]
    [InlineData(CallerKind.AccountService, HttpStatusCode.Created)]
    [InlineData(CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    public async Task Only_the_account_service_registers_devices(CallerKind caller, HttpStatusCode expected)
    {
        using var client = server.Client(TokenFor(caller, "someone"));
        using var response = await client.PutAsync($"/api/v1/devices/{Guid.NewGuid()}", null);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(CallerKind.Owner, HttpStatusCode.Created)]
    [InlineData(CallerKind.OtherUser, HttpStatusCode.Forbidden)]
    [InlineData(CallerKind.AccountService, HttpStatusCode.Created)]
    [InlineData(CallerKind.Nobody, HttpStatusCode.Unauthorized)]
    public async Task A_user_links_devices_only_to_their_own_account(CallerKind caller, HttpStatusCode expected)
    {
        var userId = await server.CreateAccountAsync();
        using var client = server.Client(TokenFor(caller, userId));
        using var response = await client.PutAsync($"/api/v1/devices/{Guid.NewGuid()}/accounts/{userId}", null);
        Assert.Equal(expected, response.StatusCode);
    }

    private string? TokenFor(CallerKind caller, string userId) => caller switch
    {
        CallerKind.Nobody => null,
        CallerKind.ForgedToken => DevTokens.Create(new AuthOptions { Issuer = Issuer, Audience = Audience, SigningKey = new string('x', 48) }, userId, [Scopes.User], TimeSpan.FromMinutes(5)),
        CallerKind.ExpiredToken => Sign(new() { ["sub"] = userId, ["scope"] = Scopes.User }, expires: DateTime.UtcNow.AddMinutes(-5)),
        CallerKind.Owner => server.Token(userId, Scopes.User),
        CallerKind.OtherUser => server.Token("someone-else", Scopes.User),
        CallerKind.UserScopeWithoutSubject => server.Token(null, Scopes.User),
        CallerKind.AccountService => server.Token("account-service", Scopes.Accounts),
        CallerKind.AccountServiceViaScp => Sign(new() { ["sub"] = "svc", ["scp"] = Scopes.Accounts }, DateTime.UtcNow.AddMinutes(5)),
        CallerKind.AccountServiceViaRoles => Sign(new() { ["sub"] = "svc", ["roles"] = new[] { Scopes.Accounts } }, DateTime.UtcNow.AddMinutes(5)),
        CallerKind.AccountServiceViaRole => Sign(new() { ["sub"] = "svc", ["role"] = Scopes.Accounts }, DateTime.UtcNow.AddMinutes(5)),
        CallerKind.NoScope => server.Token(userId),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private string Sign(Dictionary<string, object> claims, DateTime expires) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = expires.AddMinutes(-10),
            NotBefore = expires.AddMinutes(-10),
            Expires = expires,
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(server.SigningKey)), "HS256"),
        });
}
