using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The Table Storage adapter of the IProjectionStore port under its contract.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableProjectionStoreContractTests(AzuriteServer azurite) : ProjectionStoreContract(new TableStoreHarness(azurite));
