using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// The self-host's repair timer: runs <see cref="Repairer"/> every half repair delay, and backs
/// off exponentially (up to a minute) while the store or the transport keeps failing.
/// </summary>
public sealed partial class RepairWorker(Repairer repairer, IOptions<PropagationOptions> options, ILogger<RepairWorker> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.EffectiveRepairDelay / 2;
        var pause = interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(pause, stoppingToken).ConfigureAwait(false);
                await repairer.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                pause = interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                pause = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, Math.Max(pause.Ticks, interval.Ticks) * 2));
                LogRepairFailed(logger, ex, pause.TotalSeconds);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Repair failed; trying again in {Seconds} s.")]
    private static partial void LogRepairFailed(ILogger logger, Exception exception, double seconds);
}
