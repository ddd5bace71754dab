namespace ConsentGateway.Core.Changes;

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
