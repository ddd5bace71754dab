using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// Tells the self-host's decision cache up to when it knows every change. The projector tells
/// the cache of each row it writes, so that is now, unless a change accepted here (or a write
/// that threw, and so may have landed) has waited for its projection longer than propagation may
/// take (the bound less the decision budget; the store is down, a projection keeps failing): then it is that change's acceptance plus that
/// time, and entries stop being trusted a decision budget later, so no decision (a proxy's
/// reuse of it included) answers from before that change once the bound has passed since it.
/// It runs every sixteenth of the budget, the most an entry's freshness falls behind.
/// </summary>
public sealed class ProjectionWatermark(
    InProcessChangeBus bus,
    SubjectCache cache,
    TimeProvider time,
    IOptions<PropagationOptions> propagation) : BackgroundService
{
    /// <summary>How long an accepted change may wait for its projection before the cache stops trusting what it holds.</summary>
    public TimeSpan PropagationAllowance => propagation.Value.StalenessBound - cache.Budget;

    /// <summary>Moves the cache's "changes known through" as far as the oldest unprojected change allows.</summary>
    public void Advance()
    {
        var now = time.GetTimestamp();
        var waitedTooLong = bus.OldestUnprojected() is { } oldest ? time.GetUtcNow() - (oldest + PropagationAllowance) : TimeSpan.Zero;
        cache.ChangesWatchedThrough(waitedTooLong > TimeSpan.Zero ? now - (long)(waitedTooLong.TotalSeconds * time.TimestampFrequency) : now);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cache.Budget / 16, time);
        do
        {
            Advance();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
