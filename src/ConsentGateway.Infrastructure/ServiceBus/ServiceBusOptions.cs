namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// Where change notices go, bound from <c>Consent:ServiceBus</c> and validated at start by
/// <see cref="ServiceBusOptionsValidator"/>. The connection itself is not in this section: it is
/// named by <see cref="ConnectionName"/> and read the way the Functions host reads a Service Bus
/// connection, so the publisher and the trigger share one setting.
/// </summary>
public sealed record ServiceBusOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Consent:ServiceBus";

    /// <summary>The topic change notices are published to.</summary>
    public string TopicName { get; init; } = "consent-changes";

    /// <summary>The topic's subscription the projector reads (the Service Bus-triggered function's).</summary>
    public string SubscriptionName { get; init; } = "projector";

    /// <summary>
    /// The name of the connection setting, as the Functions host uses it: a connection string at
    /// <c>{ConnectionName}</c>, or identity-based access with <c>{ConnectionName}:fullyQualifiedNamespace</c>
    /// (app setting <c>{ConnectionName}__fullyQualifiedNamespace</c>) and optionally
    /// <c>{ConnectionName}:clientId</c> for a user-assigned managed identity.
    /// </summary>
    public string ConnectionName { get; init; } = "ServiceBusConnection";

    /// <summary>
    /// How many times the SDK retries a failed send. Kept low on purpose: a publish runs inside the
    /// HTTP request that accepted the change, and a notice that could not be sent is not lost (its
    /// intent stays and repair publishes it again).
    /// </summary>
    public int SendMaxRetries { get; init; } = 2;

    /// <summary>How long one send attempt may take before it counts as failed.</summary>
    public TimeSpan SendTryTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
