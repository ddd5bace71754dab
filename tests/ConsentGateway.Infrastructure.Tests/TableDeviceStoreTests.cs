using Azure;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Infrastructure.Tests.Contracts;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>What only the Table Storage device store does. The port's semantics are <see cref="DeviceStoreContract"/>.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableDeviceStoreTests(AzuriteServer azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_missing_table_is_an_error_not_a_device_never_registered()
    {
        var missing = new TableDeviceStore(azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("missing")));

        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.FindAsync("d1", Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.RegisterAsync("d1", DateTimeOffset.UnixEpoch, Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.LinkAsync("d1", "u1", DateTimeOffset.UnixEpoch, Ct))).Status);
    }
}
