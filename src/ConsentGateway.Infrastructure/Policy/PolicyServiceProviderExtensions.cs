using ConsentGateway.Core.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.Infrastructure.Policy;

public static class PolicyServiceProviderExtensions
{
    /// <summary>
    /// Before a host takes requests: compiles the starting document (an invalid one throws, so the
    /// host does not start) and, when the host watches a source (<see cref="PolicyReloader"/>),
    /// reads it once, so a new instance decides under the published version from its first request
    /// rather than under its packaged one until the first poll. A source that cannot be read is
    /// no reason not to start: the starting document stays, and readiness says why.
    /// </summary>
    public static async Task LoadPolicyAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        services.GetRequiredService<PolicyInForce>();
        if (services.GetService<PolicyReloader>() is { } reloader)
        {
            await reloader.PollAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
