using ConsentGateway.Server;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary><see cref="PropagationTests"/> again with the self-host on Table Storage (Azurite).</summary>
[Collection(Name)]
public sealed class PropagationOnTableStorageTests : PropagationTests
{
    protected override StorageProvider Storage => StorageProvider.TableStorage;
}
