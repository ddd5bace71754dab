namespace ConsentGateway.Core.Changes;

/// <summary>
/// Which intents a transport still holds for delivery, so repair does not publish them a second
/// time while they wait in a busy queue. The in-process bus knows; Service Bus does not (then
/// nothing is registered, and a notice still queued past the repair delay is published once more
/// per repair run: extra load, no harm, since projecting again is idempotent).
/// </summary>
public interface INoticesInFlight
{
    bool Contains(string intentId);
}
