using ConsentGateway.Core.Projection;

namespace ConsentGateway.Testing.Propagation;

// Also compiled into ConsentGateway.Functions.Tests (linked), so there is one copy.

/// <summary>A projection store that counts successful writes and can fail the next ones (the projector then throws).</summary>
public sealed class FlakyProjectionStore(IProjectionStore inner) : IProjectionStore
{
    private int _writes;
    private int _failures;

    public int Writes => Volatile.Read(ref _writes);

    public void FailNextWrites(int count) => Volatile.Write(ref _failures, count);

    public AccountProjection? Account(string userId) => inner.GetAccountAsync(userId, CancellationToken.None).GetAwaiter().GetResult()?.Value;

    public DeviceProjection? Device(string adId) => inner.GetDeviceAsync(adId, CancellationToken.None).GetAwaiter().GetResult()?.Value;

    public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken) => inner.GetAccountAsync(userId, cancellationToken);

    public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) => inner.GetDeviceAsync(adId, cancellationToken);

    public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
        CountAsync(() => inner.TryPutAccountAsync(projection, expectedToken, cancellationToken));

    public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
        CountAsync(() => inner.TryPutDeviceAsync(projection, expectedToken, cancellationToken));

    private async Task<string?> CountAsync(Func<Task<string?>> put)
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new IOException("The projection store is unavailable (injected).");
        }

        var written = await put();
        if (written is not null)
        {
            Interlocked.Increment(ref _writes);
        }

        return written;
    }
}
