using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Functions;

/// <summary>
/// <c>/api/health/live</c> (the worker answers) and <c>/api/health/ready</c> (the checks tagged
/// <see cref="HealthTags.Ready"/>, the decision cache's watch of the change log among them): 200
/// when healthy or degraded, 503 when not, the status as plain text. No credentials, no personal data.
/// </summary>
public sealed class HealthFunctions(HealthCheckService health)
{
    [Function(nameof(HealthLive))]
    public IActionResult HealthLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthLive)] HttpRequest request) =>
        new ContentResult { StatusCode = StatusCodes.Status200OK, Content = nameof(HealthStatus.Healthy), ContentType = "text/plain" };

    [Function(nameof(HealthReady))]
    public async Task<IActionResult> HealthReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthReady)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthTags.Ready), request.HttpContext.RequestAborted);
        return new ContentResult
        {
            StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK,
            Content = report.Status.ToString(),
            ContentType = "text/plain",
        };
    }
}
