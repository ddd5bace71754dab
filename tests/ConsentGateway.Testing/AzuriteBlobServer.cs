using Azure.Storage.Blobs;

namespace ConsentGateway.Testing;

/// <summary>
/// A real Azurite Blob service on a free loopback port of its own, in memory (<see cref="AzuriteProcess"/>).
/// One per test project, shared as a collection fixture like <see cref="AzuriteServer"/>; tests
/// isolate themselves with containers of their own (<see cref="CreateContainerAsync"/>).
/// </summary>
public sealed class AzuriteBlobServer() : AzuriteProcess("blob")
{
    public BlobServiceClient CreateServiceClient(BlobClientOptions? options = null) => new(ConnectionString, options);

    /// <summary>Creates a private container named <paramref name="prefix"/> and 12 random hex digits, and returns its client.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var container = CreateServiceClient().GetBlobContainerClient(prefix + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return container;
    }
}
