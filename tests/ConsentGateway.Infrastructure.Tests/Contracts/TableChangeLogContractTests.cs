using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The Table Storage adapter of the IChangeLog port under its contract.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableChangeLogContractTests(AzuriteServer azurite) : ChangeLogContract(new TableStoreHarness(azurite));
