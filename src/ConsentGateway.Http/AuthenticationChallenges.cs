using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ConsentGateway.Http;

/// <summary>
/// The <c>WWW-Authenticate</c> of a 401 (RFC 9110 §11.6.1): <c>Bearer</c> on the token routes
/// (RFC 6750 §3, with <c>error="invalid_token"</c> when a bearer token was given and refused),
/// <see cref="ProxyKeyScheme"/> on the egress proxies' routes, both on the policy read.
/// </summary>
public static class AuthenticationChallenges
{
    /// <summary>The gateway's own scheme name for a proxy key: the credential goes in the header of that name.</summary>
    public const string ProxyKeyScheme = ConsentHeaders.Key;

    private const string Bearer = "Bearer";
    private const string RefusedBearer = "Bearer error=\"invalid_token\"";

    public static void ChallengeBearer(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate = BearerFor(context.Request);
    }

    public static void ChallengeProxyKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate = ProxyKeyScheme;
    }

    public static void ChallengeEither(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate = new StringValues([ProxyKeyScheme, BearerFor(context.Request)]);
    }

    private static string BearerFor(HttpRequest request) =>
        request.Headers.Authorization is [{ } value] && value.StartsWith(Bearer + " ", StringComparison.OrdinalIgnoreCase) ? RefusedBearer : Bearer;
}
