using ConsentGateway.Core.Propagation;
using ConsentGateway.Infrastructure.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Functions;

/// <summary>
/// The projector's Service Bus trigger: one change notice per invocation, handed to the shared
/// <see cref="ChangeNoticeConsumer"/>. Settlement is the host's auto-complete (host.json and the
/// trigger both say so): returning completes the message; an exception abandons it, so Service
/// Bus redelivers it and, past the subscription's max delivery count, dead-letters it.
/// Binds only what works without the official extension's converters — the body and the
/// <c>MessageId</c>/<c>DeliveryCount</c> binding data — so it runs unchanged under either build.
/// </summary>
public sealed class ProjectChangeFunction(ChangeNoticeConsumer consumer, IOptions<PropagationOptions> options, ILogger<ProjectChangeFunction> logger)
{
    // The topic, subscription and connection are the app settings the publisher reads too.
    [Function(nameof(ProjectChange))]
    public async Task ProjectChange(
        [ServiceBusTrigger(ServiceBusSettings.TopicNameExpression, ServiceBusSettings.SubscriptionNameExpression, Connection = ServiceBusSettings.Connection, AutoCompleteMessages = true)] byte[] body,
        string messageId,
        int deliveryCount,
        CancellationToken cancellationToken)
    {
        // The message id is a keyed digest (ChangeNotice.MessageId): it names no user or device.
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["MessageId"] = messageId ?? "none" });

        // A failure throws out of the consumer (counted as dead-lettered on the last allowed
        // delivery): the host abandons the message and the broker redelivers or dead-letters it.
        // A malformed notice returns normally, so the message is completed instead of being
        // redelivered to no avail: nothing is lost, because the consumer never reached the
        // projector, so the change's intent-log entry was not cleared and repair republishes
        // the change from the intent log (not from this body) after the repair delay. A body
        // that no publisher of ours sent has no intent, and nothing to propagate.
        await consumer.ConsumeAsync(body, deliveryCount, options.Value.MaxDeliveryCount, cancellationToken).ConfigureAwait(false);
    }
}
