using ConsentGateway.Server;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary><see cref="PropagationTests"/> again with the self-host on Table Storage (Azurite).</summary>
public sealed class PropagationOnTableStorageTests : PropagationTests
{
    protected override StorageProvider Storage => StorageProvider.TableStorage;
}
