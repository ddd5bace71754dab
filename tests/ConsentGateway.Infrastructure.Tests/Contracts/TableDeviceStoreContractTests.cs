using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The Table Storage adapter of the IDeviceStore port under its contract.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableDeviceStoreContractTests(AzuriteServer azurite) : DeviceStoreContract(new TableStoreHarness(azurite));
