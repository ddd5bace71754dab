namespace ConsentGateway.Core.Projection;

/// <summary>
/// Every projection row written, in an order a reader can follow from a position it remembers:
/// the projector appends after each write; every gateway instance reads it to drop what it holds
/// of a subject that changed. Delivery is at least once: a read may repeat changes it gave before
/// (each carries its version, so a repeat is recognised), never skip one still kept.
/// </summary>
public interface IChangeLog
{
    /// <summary>
    /// How long after its append completes a change may still be invisible to readers (0 when an
    /// acknowledged append is visible at once). A read that began at T has then seen every change
    /// whose append completed before T − <see cref="VisibilityLag"/>.
    /// </summary>
    TimeSpan VisibilityLag { get; }

    Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken);

    /// <summary>The position of a reader that starts now: it will see every change appended from now on.</summary>
    Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="maxChanges"/> changes appended after <paramref name="position"/>,
    /// oldest first, and repeats of some given before it (Table Storage reads back a window; those do not count).
    /// </summary>
    Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken);

    /// <summary>Removes the changes appended before <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
