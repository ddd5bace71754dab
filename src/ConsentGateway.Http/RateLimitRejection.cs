using System.Globalization;
using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

/// <summary>The answer to a request over a limit: 429 <c>rate-limited</c> with <c>Retry-After</c> in whole seconds (at least 1).</summary>
internal static class RateLimitRejection
{
    public static Task WriteAsync(HttpContext context, TimeSpan? retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, detail).ExecuteAsync(context);
    }
}
