namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// The names of the Service Bus app settings, defined once: the Functions host reads them for the
/// <c>ProjectChange</c> trigger and the publisher reads the same ones, so both meet on one topic.
/// </summary>
public static class ServiceBusSettings
{
    /// <summary>The topic change notices are published to and the trigger listens on.</summary>
    public const string TopicName = "ServiceBusTopicName";

    /// <summary>The topic's subscription the trigger (the projector) reads.</summary>
    public const string SubscriptionName = "ServiceBusSubscriptionName";

    /// <summary>
    /// The connection section, in the Functions host's format: a connection string at
    /// <c>ServiceBusConnection</c>, or identity-based access with
    /// <c>ServiceBusConnection:fullyQualifiedNamespace</c> (app setting
    /// <c>ServiceBusConnection__fullyQualifiedNamespace</c>), <c>:credential</c> (<c>managedidentity</c>)
    /// and <c>:clientId</c> (a user-assigned identity).
    /// </summary>
    public const string Connection = "ServiceBusConnection";

    /// <summary><see cref="TopicName"/> as a trigger attribute resolves it from the app settings.</summary>
    public const string TopicNameExpression = "%" + TopicName + "%";

    /// <summary><see cref="SubscriptionName"/> as a trigger attribute resolves it from the app settings.</summary>
    public const string SubscriptionNameExpression = "%" + SubscriptionName + "%";
}
