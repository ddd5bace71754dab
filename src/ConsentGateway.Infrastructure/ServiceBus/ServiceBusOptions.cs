namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// Where change notices go and how hard a send tries, validated at start by
/// <see cref="ServiceBusOptionsValidator"/>. The topic and subscription are the trigger's own app
/// settings (<see cref="ServiceBusSettings"/>), not keys of <see cref="SectionName"/>; the send
/// settings are bound from <see cref="SectionName"/>.
/// </summary>
public sealed class ServiceBusOptions
{
    /// <summary>The configuration section the publisher's own settings are bound from.</summary>
    public const string SectionName = "Consent:ServiceBus";

    /// <summary>The topic change notices are published to: the app setting <see cref="ServiceBusSettings.TopicName"/>.</summary>
    public string TopicName { get; set; } = "";

    /// <summary>The subscription the projector reads: the app setting <see cref="ServiceBusSettings.SubscriptionName"/>.</summary>
    public string SubscriptionName { get; set; } = "";

    /// <summary>
    /// How many times the SDK retries a failed send. Kept low on purpose: a publish runs inside the
    /// HTTP request that accepted the change, and a notice that could not be sent is not lost (its
    /// intent stays and repair publishes it again).
    /// </summary>
    public int SendMaxRetries { get; set; } = 2;

    /// <summary>How long one send attempt may take before it counts as failed.</summary>
    public TimeSpan SendTryTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
