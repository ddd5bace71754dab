using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ConsentGateway.Http;

/// <summary>
/// <c>Consent:Auth</c>: bearer JWTs from an OIDC <see cref="Authority"/> (e.g. Entra ID), or
/// signed with a shared HS256 <see cref="SigningKey"/> on one machine and in tests.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Consent:Auth";
    public const int MinSigningKeyBytes = 32;

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? Authority { get; set; }

    public string? SigningKey { get; set; }

    internal static IEnumerable<string> Problems(AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            yield return $"{Section}:Issuer is required.";
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            yield return $"{Section}:Audience is required.";
        }

        var hasAuthority = !string.IsNullOrWhiteSpace(options.Authority);
        var hasKey = !string.IsNullOrEmpty(options.SigningKey);
        if (hasAuthority == hasKey)
        {
            yield return $"Exactly one of {Section}:Authority and {Section}:SigningKey must be set.";
        }

        if (hasAuthority && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            yield return $"{Section}:Authority must be an absolute URI.";
        }

        if (hasKey && Encoding.UTF8.GetByteCount(options.SigningKey!) < MinSigningKeyBytes)
        {
            yield return $"{Section}:SigningKey must be at least {MinSigningKeyBytes} bytes (UTF-8).";
        }
    }
}

/// <summary>Scopes of the API (SPEC §5, "who may do what").</summary>
public static class Scopes
{
    /// <summary>An app acting for the signed-in user (<c>sub</c>): only that user's setting, history and device links.</summary>
    public const string User = "consent.user";

    /// <summary>The account service: every account and device.</summary>
    public const string Accounts = "consent.accounts";
}

/// <summary>The authenticated caller: the token's subject and its scopes.</summary>
public sealed record Caller(string? Subject, IReadOnlySet<string> Scopes)
{
    public bool IsAccountService => Scopes.Contains(Http.Scopes.Accounts);

    /// <summary>The caller acts as the user <paramref name="userId"/> itself.</summary>
    public bool IsUser(string userId) => Scopes.Contains(Http.Scopes.User) && Subject == userId;

    /// <summary>May read or change what belongs to <paramref name="userId"/>.</summary>
    public bool MayActFor(string userId) => IsAccountService || IsUser(userId);

    /// <summary>Reads scopes from <c>scope</c> or <c>scp</c> (space-separated) and from <c>roles</c>.</summary>
    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.Claims)
        {
            switch (claim.Type)
            {
                case "scope" or "scp":
                    scopes.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "roles" or "role":
                    scopes.Add(claim.Value);
                    break;
            }
        }

        return new Caller(principal.FindFirst("sub")?.Value, scopes);
    }

    /// <summary>Validates the request's bearer token; <c>null</c> when it is missing or invalid.</summary>
    public static async Task<Caller?> AuthenticateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        return result.Succeeded ? From(result.Principal) : null;
    }
}

public static class AuthServiceCollectionExtensions
{
    /// <summary>JWT bearer validation from <c>Consent:Auth</c>, checked at start.</summary>
    public static IServiceCollection AddConsentAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    RequireExpirationTime = true,
                };
                if (!string.IsNullOrEmpty(options.SigningKey))
                {
                    jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey));
                    jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                else
                {
                    jwt.Authority = options.Authority;
                }
            });
        return services;
    }

    private sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuthOptions options)
        {
            var problems = AuthOptions.Problems(options).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
