using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Core.Projection;

/// <summary>
/// What the evaluator needs about one device: that it is registered and which accounts are
/// linked to it, not their facts (those are the accounts' own rows). So an account change never
/// touches a device row, and a device row changes only when its links do. A device over the
/// link limit is written as such (<see cref="LinkCount"/> only, no ids) rather than not at all,
/// so it denies instead of being served from an older row.
/// </summary>
/// <param name="AdId">The device advertising id.</param>
/// <param name="LinkedUserIds">The linked accounts in ordinal order; empty when there are more than the limit.</param>
/// <param name="LinkCount">How many accounts are linked.</param>
public sealed record DeviceProjection(string AdId, IReadOnlyList<string> LinkedUserIds, int LinkCount)
{
    /// <summary>The projection of a device as the source holds it, under a limit of <paramref name="maxAccounts"/> linked accounts.</summary>
    public static DeviceProjection Of(DeviceRecord device, int maxAccounts)
    {
        ArgumentNullException.ThrowIfNull(device);
        var count = device.LinkedUserIds.Count;
        return new DeviceProjection(device.AdId, count > maxAccounts ? [] : device.LinkedUserIds, count);
    }

    public SubjectVersion Version => SubjectVersion.OfDevice(LinkCount);

    /// <summary>Whether a decision may read this device's accounts: all of them are listed and they are no more than <paramref name="maxAccounts"/> (the limit may have been lowered since the row was written).</summary>
    public bool IsWithin(int maxAccounts) => LinkedUserIds.Count == LinkCount && LinkCount <= maxAccounts;

    /// <summary>Links are never removed, so of two reads of one device the later has at least as many.</summary>
    public bool IsAtLeastAsNewAs(DeviceProjection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return LinkCount >= other.LinkCount;
    }

    public bool SameAs(DeviceProjection other) =>
        other is not null && AdId == other.AdId && LinkCount == other.LinkCount && LinkedUserIds.SequenceEqual(other.LinkedUserIds, StringComparer.Ordinal);
}
