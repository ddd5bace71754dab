using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace ConsentGateway.Testing.Propagation;

// Also compiled into ConsentGateway.Functions.Tests (linked), so there is one copy.

/// <summary>A ServiceBusSender that records what it is asked to send (the SDK's types are mockable by design).</summary>
public sealed class RecordingServiceBusSender(string entityPath = "consent-changes") : ServiceBusSender
{
    private readonly ConcurrentQueue<ServiceBusMessage> _sent = new();

    public IReadOnlyList<ServiceBusMessage> Sent => [.. _sent];

    public override string EntityPath => entityPath;

    /// <summary>While set, every send fails with it (a Service Bus outage).</summary>
    public Exception? FailWith { get; set; }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        if (FailWith is { } failure)
        {
            return Task.FromException(failure);
        }

        _sent.Enqueue(message);
        return Task.CompletedTask;
    }

    // No connection to close (the base would dereference the one a real sender has); DisposeAsync calls this.
    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
