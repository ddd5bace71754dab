using System.Security.Cryptography;
using System.Text;
using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Propagation;

namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// Publishes change notices to the Service Bus topic: the notice's JSON as the body, its
/// <see cref="ChangeNotice.MessageId"/> as the message id (so the topic's duplicate detection
/// drops a second publish of the same change), the kind as the subject, and no application
/// properties: nothing about the user beyond the ids the notice already carries.
/// </summary>
public sealed class ServiceBusChangePublisher(ServiceBusSender sender) : IChangePublisher
{
    /// <summary>The content type of every notice.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>Service Bus refuses a longer message id.</summary>
    public const int MaxMessageIdLength = 128;

    public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var message = new ServiceBusMessage(notice.ToJson())
        {
            MessageId = MessageIdOf(notice),
            ContentType = JsonContentType,
            Subject = ChangeNotice.KindName(notice.Kind),
        };
        return sender.SendMessageAsync(message, cancellationToken);
    }

    /// <summary>
    /// <see cref="ChangeNotice.MessageId"/>, or, when it is longer than Service Bus allows (ids may
    /// be 128 characters each, and a device link names two), a deterministic digest of it: the same
    /// change still gets the same id, so duplicate detection still works.
    /// </summary>
    public static string MessageIdOf(ChangeNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var id = notice.MessageId;
        return id.Length <= MaxMessageIdLength
            ? id
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }
}
