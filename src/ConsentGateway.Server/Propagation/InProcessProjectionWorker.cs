using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// Consumes the in-process bus like the Service Bus-triggered function consumes the topic:
/// several deliveries at once, a failure redelivers after a short backoff, the last allowed
/// delivery's failure drops the notice (the consumer counts it as dead-lettered; its intent
/// stays for repair).
/// </summary>
public sealed partial class InProcessProjectionWorker(
    InProcessChangeBus bus, ChangeNoticeConsumer consumer, IOptions<PropagationOptions> options, ILogger<InProcessProjectionWorker> logger) : BackgroundService
{
    /// <summary>Deliveries processed at once (the analogue of host.json's maxConcurrentCalls).</summary>
    public const int Concurrency = 8;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in bus.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(delivery with { DeliveryCount = delivery.DeliveryCount + 1 }, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is in the intent log.
        }
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var maxDeliveryCount = options.Value.MaxDeliveryCount;
        try
        {
            await consumer.ConsumeAsync(delivery.Body, delivery.DeliveryCount, maxDeliveryCount, stoppingToken).ConfigureAwait(false);
            bus.Settle(delivery);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            if (delivery.DeliveryCount >= maxDeliveryCount)
            {
                bus.Settle(delivery);
                return;
            }

            LogRedelivery(logger, ex, delivery.DeliveryCount);
            _ = RedeliverLaterAsync(delivery, stoppingToken);
        }
    }

    // Like an abandoned message: back on the queue after a growing pause, without blocking this consumer.
    private async Task RedeliverLaterAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * (1 << Math.Min(delivery.DeliveryCount, 6)), 2_000)), stoppingToken).ConfigureAwait(false);
            bus.Enqueue(delivery);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the intent log has it.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projecting a change notice failed on delivery {DeliveryCount}; it will be delivered again.")]
    private static partial void LogRedelivery(ILogger logger, Exception exception, int deliveryCount);
}
