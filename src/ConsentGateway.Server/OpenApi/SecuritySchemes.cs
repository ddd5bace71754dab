using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.OpenApi;

namespace ConsentGateway.Server.OpenApi;

/// <summary>The two ways a caller proves who it is (SPEC §5): a bearer JWT with scopes, or an egress proxy's key.</summary>
internal static class SecuritySchemes
{
    public const string Bearer = "bearer";
    public const string ProxyKey = "proxyKey";

    public static Dictionary<string, IOpenApiSecurityScheme> All() => new(StringComparer.Ordinal)
    {
        [Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = $"A JWT of the configured issuer and audience (`Consent:Auth`). Its scopes come from `scope` or `scp` (space-separated) or `roles`: `{Scopes.User}` acts for the user whose id is the token's `sub` (only that account's setting, history and device links); `{Scopes.Accounts}` is the account service (every account and device). Locally: `./run.sh dev-token --sub alice --scope {Scopes.User}`. No or an invalid token: 401 `unauthorized`; a wrong scope or another user's account: 403 `forbidden`.",
        },
        [ProxyKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ConsentHeaders.Key,
            Description = "The key of an egress proxy configured under `Consent:Proxies:<name>` (the gateway holds only its SHA-256). Locally: `./run.sh dev-proxy-key`. Without a valid key: 401 `proxy-unauthorized`; a partner the proxy does not serve: 403 `proxy-not-allowed`.",
        },
    };
}
