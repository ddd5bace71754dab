namespace ConsentGateway.Http;

/// <summary>
/// <c>Consent:Auth</c>: bearer JWTs from an OIDC <see cref="Authority"/> (e.g. Entra ID), or
/// signed with a shared HS256 <see cref="SigningKey"/> on one machine and in tests.
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Consent:Auth";
    public const int MinSigningKeyBytes = 32;

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? Authority { get; set; }

    public string? SigningKey { get; set; }
}
