using ConsentGateway.Core;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// Consumes the in-process bus like the Service Bus-triggered function consumes the topic:
/// <c>Consent:Propagation:Workers</c> turns at once (the analogue of host.json's
/// maxConcurrentCalls), a failure redelivers each notice after a short backoff, and the last
/// allowed delivery's failure drops it (the consumer counts it as dead-lettered; its intent
/// stays for repair).
/// </summary>
public sealed partial class InProcessProjectionWorker(
    InProcessChangeBus bus, ChangeNoticeConsumer consumer, IOptions<PropagationOptions> options, TimeProvider time, ILogger<InProcessProjectionWorker> logger) : BackgroundService
{
    private readonly RateLimitedLog _unavailableLog = new(time);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.EffectiveWorkers).Select(_ => ServeAsync(stoppingToken)));

    private async Task ServeAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var turn = await bus.NextTurnAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await DeliverAsync(turn, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    bus.EndTurn(turn[0].Subject);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is in the intent log.
        }
    }

    private async Task DeliverAsync(IReadOnlyList<Delivery> turn, CancellationToken stoppingToken)
    {
        var maxDeliveryCount = options.Value.MaxDeliveryCount;
        try
        {
            await consumer.ConsumeTogetherAsync([.. turn.Select(d => new NoticeDelivery(d.Body, d.DeliveryCount))], maxDeliveryCount, stoppingToken).ConfigureAwait(false);
            bus.Settle(turn, projected: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            if (ex is StoreUnavailableException)
            {
                // The store is down: every turn fails alike; a count now and then says it, without a stack trace each.
                if (_unavailableLog.Occurred(out var count))
                {
                    LogRedeliveryStoreDown(logger, count, _unavailableLog.Interval.TotalSeconds);
                }
            }
            else
            {
                LogRedelivery(logger, ex, turn.Count);
            }

            bus.Settle(turn.Where(d => d.DeliveryCount >= maxDeliveryCount), projected: false);
            foreach (var delivery in turn.Where(d => d.DeliveryCount < maxDeliveryCount))
            {
                _ = RedeliverLaterAsync(delivery, stoppingToken);
            }
        }
    }

    // Like an abandoned message: back in its queue after a growing pause, without holding up this worker.
    private async Task RedeliverLaterAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * (1 << Math.Min(delivery.DeliveryCount, 6)), 2_000)), time, stoppingToken).ConfigureAwait(false);
            bus.Redeliver(delivery);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the intent log has it.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} projection turn(s) could not reach the store since the last line like this one (one per {Seconds} s at most); their notices are delivered again until their maximum delivery count.")]
    private static partial void LogRedeliveryStoreDown(ILogger logger, long count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projecting {Count} change notice(s) of one subject failed; each is delivered again until its maximum delivery count.")]
    private static partial void LogRedelivery(ILogger logger, Exception exception, int count);
}
