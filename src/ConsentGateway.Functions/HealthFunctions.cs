using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Health;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Functions;

/// <summary>
/// <c>/api/health/live</c> (the worker answers) and <c>/api/health/ready</c> (the checks tagged
/// <see cref="HealthTags.Ready"/>: policy, store, the decision cache's watch of the change log):
/// 200 when healthy or degraded, 503 when not, as the self-host's JSON. No credentials, no personal
/// data. Propagation runs in the Functions host (Service Bus trigger, repair timer), whose health
/// this worker cannot see: see docs/operations.md for what watches it.
/// </summary>
public sealed class HealthFunctions(HealthCheckService health)
{
    [Function(nameof(HealthLive))]
    public async Task<IActionResult> HealthLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthLive)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(await health.CheckHealthAsync(_ => false, request.HttpContext.RequestAborted));
    }

    [Function(nameof(HealthReady))]
    public async Task<IActionResult> HealthReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthReady)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(await health.CheckHealthAsync(check => check.Tags.Contains(HealthTags.Ready), request.HttpContext.RequestAborted));
    }

    private static ContentResult Answer(HealthReport report) => new()
    {
        StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK,
        Content = Encoding.UTF8.GetString(HealthReportJson.ToUtf8(report)),
        ContentType = HealthReportJson.ContentType,
    };
}
