using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Http;

/// <summary>
/// A request whose framing Kestrel refuses while the body is read (a malformed chunk, trailers
/// past the header limit, a body that arrives slower than the minimum data rate): the caller's
/// fault, so its 4xx (Kestrel's status: 400, 408, 413, 431) as a problem and one line at
/// Information with no stack trace, instead of a 500 and an error. Handled here, diagnostics of
/// the exception handler middleware are suppressed (.NET 10).
/// </summary>
public sealed partial class BadRequestFramingHandler(ILogger<BadRequestFramingHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // Kestrel's messages name the framing fault only ("Bad chunk size data.", "Request headers too long."), never the body.
        LogRefused(logger, bad.StatusCode, httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName, bad.Message);
        var code = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemCodes.BodyTooLarge : ProblemCodes.BadRequest;
        await Problems.Create(bad.StatusCode, code, $"The request could not be read: {bad.Message}").ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a request Kestrel could not read ({Status}, {Method} {Endpoint}): {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string method, string? endpoint, string reason);
}
