namespace ConsentGateway.Core.Propagation;

/// <summary>One delivery of a notice: its body as the transport carries it and how often it has been delivered.</summary>
public readonly record struct NoticeDelivery(ReadOnlyMemory<byte> Body, int DeliveryCount);
