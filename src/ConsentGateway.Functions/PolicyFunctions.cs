using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConsentGateway.Functions;

/// <summary>
/// The HTTP trigger of <c>GET /api/v1/policy</c>, handed to the shared <see cref="PolicyEndpoints"/>.
/// Anonymous at the Functions level: the shared layer checks the proxy key or the bearer token.
/// </summary>
public sealed class PolicyFunctions(PolicyEndpoints endpoints)
{
    [Function(nameof(GetPolicy))]
    public async Task<IActionResult> GetPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Policy)] HttpRequest request) =>
        new ResultActionResult(await endpoints.GetPolicyAsync(request.HttpContext));
}
