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
public sealed class PolicyEndpoints(PolicyInForce policies, ProxyAuthenticator proxies)
{
    // The answer of the policy in force, made again only when a switch replaced it (one reference: never torn).
    private Answer? _answer;

    private PolicyResponse Response
    {
        get
        {
            var policy = policies.Current;
            var answer = Volatile.Read(ref _answer);
            if (answer is null || !ReferenceEquals(answer.Policy, policy))
            {
                answer = new Answer(policy, new PolicyResponse(policy.Version, JsonSerializer.SerializeToElement(policy.Document, PolicyLoader.DocumentTypeInfo)));
                Volatile.Write(ref _answer, answer);
            }

            return answer.Response;
        }
    }

    public async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> GetPolicyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (proxies.Authenticate(context) is not null)
        {
            return TypedResults.Ok(Response);
        }

        var caller = await Caller.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            AuthenticationChallenges.ChallengeEither(context);
            return Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, $"A valid {ConsentHeaders.Key} of a configured egress proxy or a bearer token of the account service is required.");
        }

        return caller.IsAccountService ? TypedResults.Ok(Response)
            : Problems.Forbidden("Only egress proxies and the account service may read the policy.");
    }

    private sealed record Answer(CompiledPolicy Policy, PolicyResponse Response);
}
