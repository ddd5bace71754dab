using ConsentGateway.Core.Changes;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// The consumer both transports run (the Service Bus-triggered function and the self-host's
/// in-process worker). A projection failure throws: the transport redelivers, and after the
/// last allowed delivery dead-letters (counted); the intent stays, so repair tries again later.
/// </summary>
public sealed partial class ChangeNoticeConsumer(Projector projector, PropagationMetrics metrics, ILogger<ChangeNoticeConsumer> logger)
{
    public async Task<ConsumeOutcome> ConsumeAsync(ReadOnlyMemory<byte> body, int deliveryCount, int maxDeliveryCount, CancellationToken cancellationToken)
    {
        var notice = ChangeNotice.TryParse(body.Span);
        if (notice is null)
        {
            metrics.Malformed();
            LogMalformed(logger, body.Length, deliveryCount);
            return ConsumeOutcome.Malformed;
        }

        try
        {
            await projector.ProjectAsync(notice, cancellationToken).ConfigureAwait(false);
            return ConsumeOutcome.Projected;
        }
        catch (Exception ex) when (deliveryCount >= maxDeliveryCount && ex is not OperationCanceledException)
        {
            metrics.DeadLettered();
            LogLastDeliveryFailed(logger, ex, ChangeNotice.KindName(notice.Kind), deliveryCount);
            throw;
        }
    }

    // The message id names a user or device id: it is not logged.
    [LoggerMessage(Level = LogLevel.Error, Message = "A change notice of {Length} bytes could not be read (delivery {DeliveryCount}); completed, its intent stays for repair.")]
    private static partial void LogMalformed(ILogger logger, int length, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Projecting a {Kind} change failed on its last allowed delivery ({DeliveryCount}); it goes to the dead-letter queue and repair will publish it again.")]
    private static partial void LogLastDeliveryFailed(ILogger logger, Exception exception, string kind, int deliveryCount);
}
