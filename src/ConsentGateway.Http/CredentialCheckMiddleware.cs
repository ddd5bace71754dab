using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

/// <summary>
/// Before the rate limiter: checks the credential a request carries once, so the limiter can
/// partition by who is calling and the handlers reuse the answer (the proxy as a feature, the
/// token's principal as <see cref="HttpContext.User"/>; the bearer handler keeps its result for the
/// request). A source past its refused-credential limit gets 429 without its credential being
/// checked; a request without a credential passes untouched (health probes, the handlers' 401).
/// </summary>
internal sealed class CredentialCheckMiddleware(RequestDelegate next, ProxyAuthenticator proxies, FailedAuthenticationGate gate)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var key = headers[ConsentHeaders.Key];
        var hasToken = headers.Authorization.Count > 0;
        if (key.Count == 0 && !hasToken)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!gate.MayTry(context, out var retryAfter))
        {
            await RateLimitRejection.WriteAsync(context, retryAfter, "Too many refused credentials from this source: none is checked until the Retry-After interval has passed.").ConfigureAwait(false);
            return;
        }

        if (key.Count > 0)
        {
            if (proxies.Authenticate(key) is { } proxy)
            {
                context.Features.Set(proxy);
                await next(context).ConfigureAwait(false);
                return;
            }

            gate.Failed(context);
        }

        if (hasToken)
        {
            var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
            if (result.Succeeded)
            {
                context.User = result.Principal;
            }
            else if (result.Failure is not null)
            {
                gate.Failed(context);
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
