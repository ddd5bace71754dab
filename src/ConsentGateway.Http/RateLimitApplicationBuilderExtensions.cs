using ConsentGateway.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

public static class RateLimitApplicationBuilderExtensions
{
    /// <summary>
    /// Checks each request's credential once, then limits it per proxy or token subject
    /// (ASP.NET Core's rate limiter); nothing when <c>Consent:RateLimits:Enabled</c> is false.
    /// </summary>
    public static IApplicationBuilder UseConsentRateLimits(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ApplicationServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.Enabled)
        {
            return app;
        }

        app.UseMiddleware<CredentialCheckMiddleware>();
        return app.UseRateLimiter();
    }
}
