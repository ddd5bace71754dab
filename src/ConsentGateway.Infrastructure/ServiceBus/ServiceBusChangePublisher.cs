using Azure.Messaging.ServiceBus;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// Publishes change notices to the Service Bus topic: the notice's JSON as the body, its
/// <see cref="ChangeNotice.MessageId"/> under the shared key as the message id (so the topic's
/// duplicate detection drops a second publish of the same change, from any instance), the kind as the subject, and no application
/// properties: nothing about the user beyond the ids the notice already carries.
/// </summary>
public sealed class ServiceBusChangePublisher(ServiceBusSender sender, SubjectPseudonyms pseudonyms) : IChangePublisher
{
    /// <summary>The content type of every notice.</summary>
    public const string JsonContentType = "application/json";

    public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var message = new ServiceBusMessage(notice.ToJson())
        {
            MessageId = notice.MessageId(pseudonyms),
            ContentType = JsonContentType,
            Subject = ChangeNotice.KindName(notice.Kind),
        };
        return sender.SendMessageAsync(message, cancellationToken);
    }
}
