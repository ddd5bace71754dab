using ConsentGateway.Core.Changes;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// The consumer both transports run (the Service Bus-triggered function and the self-host's
/// in-process worker). A projection failure throws: the transport redelivers, and after the
/// last allowed delivery dead-letters (counted); the intent stays, so repair tries again later.
/// </summary>
public sealed partial class ChangeNoticeConsumer(Projector projector, IIntentLog intents, TimeProvider time, PropagationMetrics metrics, ILogger<ChangeNoticeConsumer> logger)
{
    public async Task<ConsumeOutcome> ConsumeAsync(ReadOnlyMemory<byte> body, int deliveryCount, int maxDeliveryCount, CancellationToken cancellationToken)
    {
        if (Read(new NoticeDelivery(body, deliveryCount)) is not { } notice)
        {
            return ConsumeOutcome.Malformed;
        }

        await ProjectAsync([(notice, deliveryCount)], maxDeliveryCount, cancellationToken).ConfigureAwait(false);
        return ConsumeOutcome.Projected;
    }

    /// <summary>
    /// Deliveries of notices about one subject (the same kind and key) that waited together: one
    /// projection covers them all, then every intent is cleared. A failure throws for all of them,
    /// each counted as dead-lettered if it was on its last allowed delivery; malformed ones are
    /// counted and left out, as <see cref="ConsumeAsync"/> does.
    /// </summary>
    public async Task ConsumeTogetherAsync(IReadOnlyList<NoticeDelivery> deliveries, int maxDeliveryCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var notices = new List<(ChangeNotice Notice, int DeliveryCount)>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            if (Read(delivery) is { } notice)
            {
                notices.Add((notice, delivery.DeliveryCount));
            }
        }

        if (notices.Count > 0)
        {
            await ProjectAsync(notices, maxDeliveryCount, cancellationToken).ConfigureAwait(false);
        }
    }

    private ChangeNotice? Read(NoticeDelivery delivery)
    {
        var notice = ChangeNotice.TryParse(delivery.Body.Span);
        if (notice is null)
        {
            metrics.Malformed();
            LogMalformed(logger, delivery.Body.Length, delivery.DeliveryCount);
        }

        return notice;
    }

    private async Task ProjectAsync(List<(ChangeNotice Notice, int DeliveryCount)> notices, int maxDeliveryCount, CancellationToken cancellationToken)
    {
        var newest = notices[^1].Notice;
        if (notices.Exists(n => n.Notice.Kind != newest.Kind || n.Notice.Key != newest.Key))
        {
            throw new ArgumentException("Only notices about one subject are projected together.", nameof(notices));
        }

        try
        {
            // The projector re-reads the source, which every one of these changes reached before
            // its notice was published: projecting once covers them all, so their intents may go.
            await projector.ProjectAsync(newest, cancellationToken).ConfigureAwait(false);
            var covered = notices[..^1];
            await Task.WhenAll(covered.Select(n => intents.ClearAsync(n.Notice.IntentId, cancellationToken))).ConfigureAwait(false);
            var now = time.GetUtcNow();
            covered.ForEach(n => metrics.RecordLag(now - n.Notice.AcceptedAt));
        }
        catch (Exception ex) when (ex is not OperationCanceledException && notices.Exists(n => n.DeliveryCount >= maxDeliveryCount))
        {
            foreach (var (notice, deliveryCount) in notices.Where(n => n.DeliveryCount >= maxDeliveryCount))
            {
                metrics.DeadLettered();
                LogLastDeliveryFailed(logger, ex, ChangeNotice.KindName(notice.Kind), deliveryCount);
            }

            throw;
        }
    }

    // The message id names a user or device id: it is not logged.
    [LoggerMessage(Level = LogLevel.Error, Message = "A change notice of {Length} bytes could not be read (delivery {DeliveryCount}); completed, its intent stays for repair.")]
    private static partial void LogMalformed(ILogger logger, int length, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Projecting a {Kind} change failed on its last allowed delivery ({DeliveryCount}); it goes to the dead-letter queue and repair will publish it again.")]
    private static partial void LogLastDeliveryFailed(ILogger logger, Exception exception, string kind, int deliveryCount);
}
