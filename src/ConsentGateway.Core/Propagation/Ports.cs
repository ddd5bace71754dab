namespace ConsentGateway.Core.Propagation;

/// <summary>Sends change notices to the projector: Service Bus in Azure, an in-process queue on the self-host.</summary>
public interface IChangePublisher
{
    Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken);
}

/// <summary>One recorded intent: a change that is about to be, or was, written and is not yet projected.</summary>
public sealed record Intent(string Id, ChangeKind Kind, string Key, DateTimeOffset RecordedAt, string? LinkedUserId);

/// <summary>
/// The intent log: written before a change, cleared once the change is projected. Whatever
/// fails in between (a crash after the write, a Service Bus outage), the entry stays and repair
/// publishes it again, so nothing accepted is lost.
/// </summary>
public interface IIntentLog
{
    /// <summary>Records that <paramref name="key"/> is about to change; returns the entry.</summary>
    Task<Intent> RecordAsync(ChangeKind kind, string key, string? linkedUserId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Entries recorded before <paramref name="recordedBefore"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<Intent>> GetPendingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken);

    /// <summary>Removes the entry; an entry already gone is fine (duplicate deliveries).</summary>
    Task ClearAsync(string intentId, CancellationToken cancellationToken);
}

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
