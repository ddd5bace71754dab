using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsentGateway.Http;

/// <summary>
/// <c>GET /api/v1/policy</c>: the policy in force, for the egress proxies (their key) and the
/// account service (its token), e.g. a redacting proxy checking its rules name known data items.
/// </summary>
public sealed class PolicyEndpoints(CompiledPolicy policy, ProxyAuthenticator proxies)
{
    private readonly PolicyResponse _response = new(policy.Version, JsonSerializer.SerializeToElement(policy.Document, PolicyLoader.DocumentTypeInfo));

    public async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> GetPolicyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (proxies.Authenticate(context) is not null)
        {
            return TypedResults.Ok(_response);
        }

        var caller = await Caller.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            AuthenticationChallenges.ChallengeEither(context);
            return Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, $"A valid {ConsentHeaders.Key} of a configured egress proxy or a bearer token of the account service is required.");
        }

        return caller.IsAccountService ? TypedResults.Ok(_response)
            : Problems.Forbidden("Only egress proxies and the account service may read the policy.");
    }
}
