using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

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
