using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>One Azurite for every test of this project; each test uses tables of its own.</summary>
[CollectionDefinition(Name)]
public sealed class SharedAzurite : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
