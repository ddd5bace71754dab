namespace ConsentGateway.Http;

/// <summary>
/// Endpoint metadata: who may call the endpoint, as its OpenAPI security requirements. The
/// handlers authenticate and authorize themselves (<see cref="Caller"/>, <see cref="ProxyAuthenticator"/>),
/// so this only describes what they check.
/// </summary>
/// <param name="ProxyKey">An egress proxy's <c>X-Consent-Key</c> is accepted.</param>
/// <param name="Scopes">A bearer token with any one of these scopes is accepted.</param>
public sealed record AllowedCallers(bool ProxyKey, IReadOnlyList<string> Scopes)
{
    /// <summary>Egress proxies only.</summary>
    public static AllowedCallers Proxies { get; } = new(true, []);

    /// <summary>A bearer token with any one of <paramref name="scopes"/>.</summary>
    public static AllowedCallers Bearer(params string[] scopes) => new(false, scopes);
}
