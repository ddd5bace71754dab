using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// Publishes again every intent older than the repair delay: a change whose notice was lost
/// (crash between write and publish, Service Bus outage, a dead-lettered notice). Run by a
/// timer-triggered function in Azure and a background service on the self-host. Each pass also
/// prunes the change log of what is older than its retention.
/// </summary>
public sealed partial class Repairer(
    IIntentLog intents,
    IChangePublisher publisher,
    IAccountStore accounts,
    IChangeLog changeLog,
    TimeProvider time,
    IOptions<PropagationOptions> options,
    IOptions<ChangeLogOptions> changeLogOptions,
    PropagationMetrics metrics,
    ILogger<Repairer> logger,
    INoticesInFlight? inFlight = null)
{
    /// <summary>Intents handled per run at most; the next run takes the rest.</summary>
    public const int BatchSize = 500;

    /// <summary>One pass; returns how many intents were published again. Store or publish errors propagate (the caller backs off).</summary>
    public Task<int> RunOnceAsync(CancellationToken cancellationToken) =>
        RunOnceAsync(time.GetUtcNow() - options.Value.EffectiveRepairDelay, cancellationToken);

    /// <summary>
    /// One pass over the intents recorded before <paramref name="recordedBefore"/> (at most
    /// <see cref="BatchSize"/>) and not in flight here. A process that has just started passes its
    /// start: nothing recorded before it can be in flight in it, so it need not wait the repair delay.
    /// </summary>
    public async Task<int> RunOnceAsync(DateTimeOffset recordedBefore, CancellationToken cancellationToken)
    {
        using var activity = GatewayActivities.Source.StartActivity(GatewayActivities.Repair);
        var now = time.GetUtcNow();
        var pending = (await intents.GetPendingAsync(recordedBefore, BatchSize, cancellationToken).ConfigureAwait(false))
            .Where(intent => inFlight?.Contains(intent.Id) != true)
            .ToList();
        foreach (var intent in pending)
        {
            var version = await CurrentVersionAsync(intent, cancellationToken).ConfigureAwait(false);
            var notice = new ChangeNotice(intent.Kind, intent.Key, version, intent.RecordedAt, intent.Id, intent.LinkedUserId, RepairedAt: now);
            await publisher.PublishAsync(notice, cancellationToken).ConfigureAwait(false);
        }

        if (pending.Count > 0)
        {
            metrics.Republished(pending.Count);
            LogRepublished(logger, pending.Count);
        }

        await changeLog.PruneAsync(now - changeLogOptions.Value.Retention, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(ConsentAttributes.Republished, pending.Count);
        return pending.Count;
    }

    // The version the source is at now: the notice then names the state it will project.
    private async Task<long> CurrentVersionAsync(Intent intent, CancellationToken cancellationToken)
    {
        if (intent.Kind == ChangeKind.Device)
        {
            return 0;
        }

        var account = await accounts.FindAsync(intent.Key, cancellationToken).ConfigureAwait(false);
        return account is null ? 0 : intent.Kind == ChangeKind.Setting ? account.SettingVersion : account.Revision;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair published {Count} unconfirmed change(s) again.")]
    private static partial void LogRepublished(ILogger logger, int count);
}
