using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ConsentGateway.Http;

/// <summary>
/// Refuses a token issued in the future (<c>iat</c> later than now plus the lifetime's clock skew):
/// the token handler checks <c>exp</c> and <c>nbf</c> but not <c>iat</c>, and a token dated ahead
/// comes from a wrong clock or a forger planning ahead.
/// </summary>
internal static class IssuedAtCheck
{
    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        if (context.SecurityToken is JsonWebToken { IssuedAt: var issuedAt } && issuedAt != DateTime.MinValue)
        {
            var now = context.Options.TimeProvider?.GetUtcNow() ?? DateTimeOffset.UtcNow;
            if (issuedAt > now.UtcDateTime + context.Options.TokenValidationParameters.ClockSkew)
            {
                context.Fail("The token's iat is in the future.");
            }
        }

        return Task.CompletedTask;
    }
}
