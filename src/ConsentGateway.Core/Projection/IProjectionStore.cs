
namespace ConsentGateway.Core.Projection;

/// <summary>The decision projection: one row per account and one per device (Table Storage).</summary>
public interface IProjectionStore
{
    Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of many accounts, read together where the store can (one query on SQLite; point
    /// reads at once on Table Storage, which has no multi-get); an account without a row is absent.
    /// </summary>
    async Task<IReadOnlyDictionary<string, Stored<AccountProjection>>> GetAccountsAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var rows = await Task.WhenAll(userIds.Distinct(StringComparer.Ordinal).Select(userId => GetAccountAsync(userId, cancellationToken))).ConfigureAwait(false);
        return rows.OfType<Stored<AccountProjection>>().ToDictionary(row => row.Value.UserId, StringComparer.Ordinal);
    }

    /// <summary>The device's registration and linked account ids (their facts are the accounts' rows).</summary>
    Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken);

    /// <summary>Inserts (<paramref name="expectedToken"/> null) or replaces the row if still at that token; returns the row's new token, <c>null</c> on a lost race.</summary>
    Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken);

    /// <summary>Inserts (<paramref name="expectedToken"/> null) or replaces the row if still at that token; returns the row's new token, <c>null</c> on a lost race.</summary>
    Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken);
}
