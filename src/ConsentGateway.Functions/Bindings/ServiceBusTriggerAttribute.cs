using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace ConsentGateway.Functions;

/// <summary>
/// Declares a Service Bus trigger in the shape of the official
/// <c>Microsoft.Azure.Functions.Worker.Extensions.ServiceBus</c> attribute, which is not served
/// here (docs/functions.md). The SDK reads bindings from any <see cref="TriggerBindingAttribute"/>
/// by name and shape, so this one makes it write the same <c>serviceBusTrigger</c> binding into
/// <c>functions.metadata</c> (and the worker-indexing metadata): topic, subscription, connection,
/// <c>cardinality</c> (from <see cref="IsBatched"/>) and <c>autoCompleteMessages</c>.
/// Two details matter to the SDK's metadata source generator: the attribute implements
/// <see cref="ISupportCardinality"/>, and the defaults are marked with the Worker abstractions'
/// <see cref="DefaultValueAttribute"/> (it looks for that type, not System.ComponentModel's, and
/// fails with CS8785 without it).
/// A deployment build removes this file and references the official package instead
/// (<c>-p:UseOfficialServiceBusExtension=true</c>); function code is the same either way.
/// Binding to the body (<c>string</c> or <c>byte[]</c>) and to binding data such as
/// <c>MessageId</c> and <c>DeliveryCount</c> works without the official converters.
/// </summary>
public sealed class ServiceBusTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    /// <summary>Triggers on a queue.</summary>
    /// <param name="queueName">The queue's name, or <c>%Setting%</c>.</param>
    public ServiceBusTriggerAttribute(string queueName)
    {
        QueueName = queueName;
    }

    /// <summary>Triggers on a topic's subscription.</summary>
    /// <param name="topicName">The topic's name, or <c>%Setting%</c>.</param>
    /// <param name="subscriptionName">The subscription's name, or <c>%Setting%</c>.</param>
    public ServiceBusTriggerAttribute(string topicName, string subscriptionName)
    {
        TopicName = topicName;
        SubscriptionName = subscriptionName;
    }

    /// <summary>The name of the connection setting (a connection string, or <c>name__fullyQualifiedNamespace</c>).</summary>
    public string? Connection { get; set; }

    /// <summary>The queue; <c>null</c> for a topic subscription.</summary>
    public string? QueueName { get; }

    /// <summary>The topic; <c>null</c> for a queue.</summary>
    public string? TopicName { get; }

    /// <summary>The subscription in <see cref="TopicName"/>; <c>null</c> for a queue.</summary>
    public string? SubscriptionName { get; }

    /// <summary>Whether the entity is session-enabled.</summary>
    public bool IsSessionsEnabled { get; set; }

    /// <summary>Whether the function receives a batch of messages (cardinality <c>Many</c>) instead of one.</summary>
    [DefaultValue(false)]
    public bool IsBatched { get; set; }

    /// <summary>
    /// Whether the host completes a message when the function returns (an exception abandons it
    /// instead, so it is redelivered and, past the entity's max delivery count, dead-lettered).
    /// </summary>
    [DefaultValue(true)]
    public bool AutoCompleteMessages { get; set; } = true;

    Cardinality ISupportCardinality.Cardinality
    {
        get => IsBatched ? Cardinality.Many : Cardinality.One;
        set => IsBatched = value == Cardinality.Many;
    }
}
