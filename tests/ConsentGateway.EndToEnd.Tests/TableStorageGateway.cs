using ConsentGateway.Server;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>The self-host on the Table adapter over a real Azurite: the fixture of the suites that also run their tests there.</summary>
public sealed class TableStorageGateway : GatewayServer
{
    public TableStorageGateway() => Storage = StorageProvider.TableStorage;
}
