using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConsentGateway.Functions;

/// <summary>
/// HTTP triggers for partner egress proxies: each hands the request to the shared
/// <see cref="EvaluationEndpoints"/> (the policy read: <see cref="PolicyEndpoints"/>). Anonymous at
/// the Functions level because every call is authenticated in the shared layer (<c>X-Consent-Key</c>;
/// the policy also takes the account service's token).
/// </summary>
public sealed class EvaluationFunctions(EvaluationEndpoints endpoints, PolicyEndpoints policy)
{
    [Function(nameof(Evaluate))]
    public async Task<IActionResult> Evaluate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Evaluate)] HttpRequest request) =>
        new ResultActionResult(await endpoints.EvaluateAsync(request.HttpContext));

    [Function(nameof(EvaluateBatch))]
    public async Task<IActionResult> EvaluateBatch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.EvaluateBatch)] HttpRequest request) =>
        new ResultActionResult(await endpoints.EvaluateBatchAsync(request.HttpContext));

    /// <summary>Any method: nginx <c>auth_request</c> and Envoy <c>ext_authz</c> send the original request's.</summary>
    [Function(nameof(Check))]
    public async Task<IActionResult> Check(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", "options", Route = ApiRoutes.Check)] HttpRequest request) =>
        new ResultActionResult(await endpoints.CheckAsync(request.HttpContext));

    [Function(nameof(GetPolicy))]
    public async Task<IActionResult> GetPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Policy)] HttpRequest request) =>
        new ResultActionResult(await policy.GetPolicyAsync(request.HttpContext));
}
