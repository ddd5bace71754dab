using ConsentGateway.Core.Evaluation;
using Microsoft.Extensions.Hosting;

namespace ConsentGateway.Functions;

/// <summary>Runs the <see cref="ChangeLogWatcher"/> for as long as the worker runs: other instances project changes too.</summary>
public sealed class ChangeLogWatchService(ChangeLogWatcher watcher) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => watcher.RunAsync(stoppingToken);
}
