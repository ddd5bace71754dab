namespace ConsentGateway.Server.Propagation;

/// <summary>
/// A notice on the in-process bus: its body, its subject (kind and key: the queue it waits in),
/// the intent it guards, and how often it has been delivered.
/// </summary>
internal sealed record Delivery(byte[] Body, string Subject, string IntentId, int DeliveryCount);
