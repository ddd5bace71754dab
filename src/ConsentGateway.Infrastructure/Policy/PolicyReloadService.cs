using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Hosting;

namespace ConsentGateway.Infrastructure.Policy;

/// <summary>
/// A host's hot switch, the same on the self-host (a file) and on Azure Functions (a blob): the
/// <see cref="PolicyWatch"/>'s source is read at start and then every interval by the host's one
/// <see cref="PolicyReloader"/>, and a changed, valid document with a new version becomes the
/// policy in force. A source that cannot be read keeps the policy in force and never stops the host.
/// </summary>
public sealed class PolicyReloadService(PolicyReloader reloader, PolicyWatch watch) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => reloader.RunAsync(watch.Interval, stoppingToken);
}
