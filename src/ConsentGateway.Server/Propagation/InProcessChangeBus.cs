using System.Threading.Channels;
using ConsentGateway.Core.Propagation;

namespace ConsentGateway.Server.Propagation;

/// <summary>A notice in flight on the in-process bus, with how often it has been delivered.</summary>
internal sealed record Delivery(byte[] Body, int DeliveryCount);

/// <summary>
/// The self-host's transport: the same contract as the Service Bus topic (the publisher port
/// in, <see cref="ChangeNoticeConsumer"/> out, the same JSON body, delivery counts and a
/// maximum), in memory. What it loses in a crash, the intent log still has.
/// </summary>
public sealed class InProcessChangeBus : IChangePublisher
{
    private readonly Channel<Delivery> _channel = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        Enqueue(new Delivery(notice.ToJson(), 0));
        return Task.CompletedTask;
    }

    internal ChannelReader<Delivery> Reader => _channel.Reader;

    internal void Enqueue(Delivery delivery) => _channel.Writer.TryWrite(delivery);
}
