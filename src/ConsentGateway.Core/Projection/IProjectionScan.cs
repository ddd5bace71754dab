namespace ConsentGateway.Core.Projection;

/// <summary>
/// Every row of the decision projection, in pages in key order, for work over the whole
/// population (a policy's impact analysis) rather than for decisions. Holds one page at a time.
/// </summary>
public interface IProjectionScan
{
    IAsyncEnumerable<IReadOnlyList<AccountProjection>> ScanAccountsAsync(int pageSize, CancellationToken cancellationToken);

    IAsyncEnumerable<IReadOnlyList<DeviceProjection>> ScanDevicesAsync(int pageSize, CancellationToken cancellationToken);
}
