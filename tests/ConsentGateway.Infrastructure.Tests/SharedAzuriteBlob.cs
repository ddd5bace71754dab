using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>One Azurite Blob service for every test of this project that needs blobs; each test uses a container of its own.</summary>
[CollectionDefinition(Name)]
public sealed class SharedAzuriteBlob : ICollectionFixture<AzuriteBlobServer>
{
    public const string Name = "AzuriteBlob";
}
