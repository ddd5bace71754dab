using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// Writes the decision projection from the source of truth. A notice names one subject and only
/// that subject's row is written: an account notice re-reads the account, a device notice the
/// device and its links (ids only), so the work per change does not grow with the number of
/// links. A duplicate or out-of-order notice just projects the current state again. A projection
/// row never goes backwards: it is replaced only by one at least as new, under its ETag; a row
/// newer than the source just read means the source moved on, so it is read again. Once the row
/// is written, the observers in this process are told (the self-host's decision cache drops what
/// it holds at once) and the change is appended to the change log for other instances; only then
/// is the notice done, so a failed append is retried with the notice.
/// </summary>
public sealed class Projector(
    IAccountStore accounts,
    IDeviceStore devices,
    IProjectionStore projections,
    IIntentLog intents,
    IChangeLog changeLog,
    IEnumerable<IProjectedChangeObserver> observers,
    TimeProvider time,
    PropagationMetrics metrics,
    IOptions<AccountsOptions> limits)
{
    private readonly IProjectedChangeObserver[] _observers = [.. observers];

    /// <summary>Bounded so that a pathological race cannot loop for ever; the notice is then redelivered.</summary>
    private const int MaxAttempts = 20;

    private readonly RecentCache<Stored<AccountProjection>> _accounts = new(100_000);
    private readonly RecentCache<Stored<DeviceProjection>> _devices = new(100_000);

    public async Task ProjectAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        using var activity = GatewayActivities.Source.StartActivity(GatewayActivities.Project);
        activity?.SetTag(ConsentAttributes.ChangeKind, ChangeNotice.KindName(notice.Kind));
        await (notice.Kind == ChangeKind.Device
            ? ProjectDeviceAsync(notice.Key, cancellationToken)
            : ProjectAccountAsync(notice.Key, cancellationToken)).ConfigureAwait(false);

        await intents.ClearAsync(notice.IntentId, cancellationToken).ConfigureAwait(false);
        metrics.RecordLag(time.GetUtcNow() - notice.AcceptedAt);
    }

    /// <summary>Projects the account's own row; the devices linked to it read it from there.</summary>
    public async Task ProjectAccountAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var source = AccountProjection.Of(userId, await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false));
            var stored = _accounts.Get(userId) ?? await projections.GetAccountAsync(userId, cancellationToken).ConfigureAwait(false);
            if (await TryPutAsync(_accounts, userId, source, stored, row => row == source, source.IsAtLeastAsNewAs, projections.TryPutAccountAsync, cancellationToken).ConfigureAwait(false))
            {
                await ProjectedAsync(new ProjectedChange(SubjectKind.Account, userId, source.Version), cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        throw new InvalidOperationException("The account projection kept changing under the projector; the notice will be delivered again.");
    }

    /// <summary>Projects the device's row: its links, or only their count when they are over the limit (then it denies).</summary>
    public async Task ProjectDeviceAsync(string adId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await devices.FindAsync(adId, cancellationToken).ConfigureAwait(false) is not { } device)
            {
                return;
            }

            var source = DeviceProjection.Of(device, limits.Value.MaxAccountsPerDevice);
            var stored = _devices.Get(adId) ?? await projections.GetDeviceAsync(adId, cancellationToken).ConfigureAwait(false);
            if (await TryPutAsync(_devices, adId, source, stored, source.SameAs, source.IsAtLeastAsNewAs, projections.TryPutDeviceAsync, cancellationToken).ConfigureAwait(false))
            {
                await ProjectedAsync(new ProjectedChange(SubjectKind.Device, adId, source.Version), cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        throw new InvalidOperationException("The device projection kept changing under the projector; the notice will be delivered again.");
    }

    // Also when the row already said so: a notice delivered again may be the retry of a failed append.
    private Task ProjectedAsync(ProjectedChange change, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            observer.OnProjected(change);
        }

        return changeLog.AppendAsync(change, cancellationToken);
    }

    /// <summary>
    /// One guarded write: done when the row already says the same; refused (read again) when the
    /// row is newer in some version than the source just read; else a conditional write. The row
    /// as this process last read or wrote it is remembered, so the next write of the same row
    /// needs no read; a stale memory only makes the conditional write fail and is then dropped.
    /// </summary>
    private static async Task<bool> TryPutAsync<T>(
        RecentCache<Stored<T>> recent,
        string key,
        T source,
        Stored<T>? stored,
        Func<T, bool> sameAsSource,
        Func<T, bool> sourceIsAtLeastAsNewAs,
        Func<T, string?, CancellationToken, Task<string?>> put,
        CancellationToken cancellationToken)
    {
        if (stored is not null && sameAsSource(stored.Value))
        {
            recent.Remember(key, stored);
            return true;
        }

        // A stored row newer in some version was computed from a later read: read again.
        if (stored is not null && !sourceIsAtLeastAsNewAs(stored.Value))
        {
            recent.Forget(key);
            return false;
        }

        if (await put(source, stored?.ConcurrencyToken, cancellationToken).ConfigureAwait(false) is { } token)
        {
            recent.Remember(key, new Stored<T>(source, token));
            return true;
        }

        recent.Forget(key);
        return false;
    }
}

