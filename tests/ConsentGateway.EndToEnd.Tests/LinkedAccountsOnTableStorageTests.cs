using ConsentGateway.Server;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary><see cref="LinkedAccountsTests"/> again on Table Storage (Azurite), where the fan-out attack first stalled everyone.</summary>
public sealed class LinkedAccountsOnTableStorageTests : LinkedAccountsTests
{
    protected override StorageProvider Storage => StorageProvider.TableStorage;
}
