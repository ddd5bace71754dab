using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

/// <summary>
/// The rate limiter's partitions, after <see cref="CredentialCheckMiddleware"/>: one window per
/// egress proxy (its name), one per token subject (<c>sub</c>; tokens without one share a window);
/// a request without a valid credential is not limited here (it is answered 401 without work, and
/// refused credentials are counted per source instead).
/// </summary>
internal sealed class RateLimitPartitions(RateLimitOptions options)
{
    private const string SubjectClaim = "sub";

    // Made once: the partitioner runs for every request.
    private readonly Func<string, FixedWindowRateLimiterOptions> _proxy = WindowOf(options.Proxy);
    private readonly Func<string, FixedWindowRateLimiterOptions> _caller = WindowOf(options.Caller);

    public RateLimitPartition<string> Of(HttpContext context)
    {
        if (context.Features.Get<Proxy>() is { } proxy)
        {
            return RateLimitPartition.GetFixedWindowLimiter(proxy.RateLimitKey, _proxy);
        }

        if (context.User.Identity?.IsAuthenticated == true)
        {
            return RateLimitPartition.GetFixedWindowLimiter("sub:" + context.User.FindFirst(SubjectClaim)?.Value, _caller);
        }

        return RateLimitPartition.GetNoLimiter(string.Empty);
    }

    private static Func<string, FixedWindowRateLimiterOptions> WindowOf(RateLimitWindow window)
    {
        var options = new FixedWindowRateLimiterOptions { PermitLimit = window.PermitLimit, Window = window.Window, QueueLimit = 0, AutoReplenishment = true };
        return _ => options;
    }
}
