using ConsentGateway.Core.Consent;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// Writes the decision projection from the source of truth. On a notice it re-reads the
/// account (and every device linked to it) or the device (and all its accounts), so a
/// duplicate or out-of-order notice just projects the current state again. A projection row
/// never goes backwards: it is replaced only by one at least as new in every version, under
/// its ETag; a row newer in some version means the source moved on, so it is read again.
/// </summary>
public sealed class Projector(IAccountStore accounts, IDeviceStore devices, IProjectionStore projections, IIntentLog intents, TimeProvider time, PropagationMetrics metrics)
{
    /// <summary>Bounded so that a pathological race cannot loop for ever; the notice is then redelivered.</summary>
    private const int MaxAttempts = 20;

    public async Task ProjectAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Kind == ChangeKind.Device)
        {
            await ProjectDeviceAsync(notice.Key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ProjectAccountAsync(notice.Key, cancellationToken).ConfigureAwait(false);
            foreach (var adId in await accounts.GetLinkedDevicesAsync(notice.Key, cancellationToken).ConfigureAwait(false))
            {
                await ProjectDeviceAsync(adId, cancellationToken).ConfigureAwait(false);
            }
        }

        await intents.ClearAsync(notice.IntentId, cancellationToken).ConfigureAwait(false);
        metrics.RecordLag(time.GetUtcNow() - notice.AcceptedAt);
    }

    public async Task ProjectAccountAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var source = await ReadAccountAsync(userId, cancellationToken).ConfigureAwait(false);
            var stored = await projections.GetAccountAsync(userId, cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.Value == source)
            {
                return;
            }

            // A stored row newer in some version was computed from a later read: read again.
            if (stored is not null && !source.IsAtLeastAsNewAs(stored.Value))
            {
                continue;
            }

            if (await projections.TryPutAccountAsync(source, stored?.ConcurrencyToken, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException("The account projection kept changing under the projector; the notice will be delivered again.");
    }

    public async Task ProjectDeviceAsync(string adId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var device = await devices.FindAsync(adId, cancellationToken).ConfigureAwait(false);
            if (device is null)
            {
                return;
            }

            var linked = new List<AccountProjection>(device.LinkedUserIds.Count);
            foreach (var userId in device.LinkedUserIds)
            {
                linked.Add(await ReadAccountAsync(userId, cancellationToken).ConfigureAwait(false));
            }

            var source = new DeviceProjection(adId, linked);
            var stored = await projections.GetDeviceAsync(adId, cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.Value.SameAs(source))
            {
                return;
            }

            if (stored is not null && !source.IsAtLeastAsNewAs(stored.Value))
            {
                continue;
            }

            if (await projections.TryPutDeviceAsync(source, stored?.ConcurrencyToken, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException("The device projection kept changing under the projector; the notice will be delivered again.");
    }

    private async Task<AccountProjection> ReadAccountAsync(string userId, CancellationToken cancellationToken) =>
        await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false) is { } account
            ? AccountProjection.From(account)
            : AccountProjection.Missing(userId);
}
