using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConsentGateway.Http;

/// <summary>Mints HS256 tokens for the shared development signing key (one machine, tests). Never for production.</summary>
public static class DevTokens
{
    public static string Create(AuthOptions options, string? subject, IEnumerable<string> scopes, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException($"{AuthOptions.SectionName}:SigningKey is not set: development tokens need the shared key.");
        }

        var claims = new Dictionary<string, object> { ["scope"] = string.Join(' ', scopes) };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
