using ConsentGateway.Core;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// The self-host's repair timer: runs <see cref="Repairer"/> every half repair delay. While the
/// store does not answer it keeps that pace (asking a store that is gone costs one failed call,
/// and repair must run as soon as it answers again: the changes accepted before the outage are
/// waiting); it logs the outage once, and once more when the store is back. Any other failure
/// backs off exponentially, up to a minute, until a run succeeds.
/// Its first run, at start, republishes at once every intent recorded before the process started:
/// this process's bus started empty, so none of them can be in flight here, and after a crash
/// they are the acknowledged changes that were not yet projected.
/// </summary>
public sealed partial class RepairWorker(Repairer repairer, TimeProvider time, IOptions<PropagationOptions> options, ILogger<RepairWorker> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    // Taken when the host builds its services, before the server accepts a request (ExecuteAsync
    // itself may start later, on a thread of its own).
    private readonly DateTimeOffset _createdAt = time.GetUtcNow();

    private long _lastSucceededAtTicks;

    /// <summary>The period of the timer: half the repair delay.</summary>
    public TimeSpan Interval => options.Value.EffectiveRepairDelay / 2;

    /// <summary>When a run last completed (for readiness); <c>null</c> before the first.</summary>
    public DateTimeOffset? LastSucceededAt => Interlocked.Read(ref _lastSucceededAtTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>When the worker was made: readiness counts from here until the first run completes.</summary>
    public DateTimeOffset CreatedAt => _createdAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = Interval;
        DateTimeOffset? orphansBefore = _createdAt;
        var pause = TimeSpan.Zero;
        var storeDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(pause, time, stoppingToken).ConfigureAwait(false);
                if (orphansBefore is { } started)
                {
                    // A full batch may leave more: the next run takes them, at once again.
                    orphansBefore = await repairer.RunOnceAsync(started, stoppingToken).ConfigureAwait(false) == Repairer.BatchSize ? started : null;
                }
                else
                {
                    await repairer.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }

                Interlocked.Exchange(ref _lastSucceededAtTicks, time.GetUtcNow().UtcTicks);
                if (storeDown)
                {
                    LogStoreBack(logger);
                }

                // More left from before the start: the next batch soon, once this one is under way.
                (pause, storeDown) = (orphansBefore is null ? interval : interval / 10, false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (StoreUnavailableException ex)
            {
                if (!storeDown)
                {
                    LogStoreDown(logger, ex);
                }

                (pause, storeDown) = (interval, true);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair cannot reach the store; it keeps trying at its usual pace and runs as soon as the store answers.")]
    private static partial void LogStoreDown(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store answers again; repair ran.")]
    private static partial void LogStoreBack(ILogger logger);
}
