
namespace ConsentGateway.Core.Projection;

/// <summary>
/// What the evaluator needs about one device: the facts of every account linked to it, so a
/// device-keyed question is one read.
/// </summary>
public sealed record DeviceProjection(string AdId, IReadOnlyList<AccountProjection> Accounts)
{
    /// <summary>Links are never removed and account versions only grow: newer means a superset, each no older.</summary>
    public bool IsAtLeastAsNewAs(DeviceProjection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var old in other.Accounts)
        {
            var current = Accounts.FirstOrDefault(a => a.UserId == old.UserId);
            if (current is null || !current.IsAtLeastAsNewAs(old))
            {
                return false;
            }
        }

        return true;
    }

    public bool SameAs(DeviceProjection other) =>
        other is not null && AdId == other.AdId && Accounts.Count == other.Accounts.Count && Accounts.All(a => other.Accounts.Contains(a));
}
