using System.Collections.Concurrent;
using System.Threading.Channels;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Server.Propagation;

/// <summary>A notice in flight on the in-process bus, with how often it has been delivered.</summary>
internal sealed record Delivery(byte[] Body, string IntentId, int DeliveryCount);

/// <summary>
/// The self-host's transport: the same contract as the Service Bus topic (the publisher port
/// in, <see cref="ChangeNoticeConsumer"/> out, the same JSON body, delivery counts and a
/// maximum), in memory. What it loses in a crash, the intent log still has.
/// </summary>
public sealed class InProcessChangeBus : IChangePublisher, INoticesInFlight
{
    private readonly Channel<Delivery> _channel = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        _inFlight.AddOrUpdate(notice.IntentId, 1, (_, count) => count + 1);
        Enqueue(new Delivery(notice.ToJson(), notice.IntentId, 0));
        return Task.CompletedTask;
    }

    public bool Contains(string intentId) => _inFlight.ContainsKey(intentId);

    internal ChannelReader<Delivery> Reader => _channel.Reader;

    internal void Enqueue(Delivery delivery) => _channel.Writer.TryWrite(delivery);

    /// <summary>A delivery is over (projected, malformed or given up): its intent is no longer in flight here.</summary>
    internal void Settle(Delivery delivery)
    {
        if (_inFlight.AddOrUpdate(delivery.IntentId, 0, (_, count) => count - 1) <= 0)
        {
            _inFlight.TryRemove(KeyValuePair.Create(delivery.IntentId, 0));
        }
    }
}
