namespace ConsentGateway.Core.Accounts;

/// <summary>The devices that opened an app and the accounts linked to them.</summary>
public interface IDeviceStore
{
    /// <summary>Registers the device; <c>true</c> if it was not registered before. Idempotent.</summary>
    Task<bool> RegisterAsync(string adId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Links the device (registering it if needed) to the account; <c>true</c> if the link is new. Idempotent.</summary>
    Task<bool> LinkAsync(string adId, string userId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The device and its linked accounts; <c>null</c> if never registered.</summary>
    Task<DeviceRecord?> FindAsync(string adId, CancellationToken cancellationToken);
}
