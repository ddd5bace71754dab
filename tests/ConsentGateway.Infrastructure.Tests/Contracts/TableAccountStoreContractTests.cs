using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The Table Storage adapter of the IAccountStore port under its contract.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableAccountStoreContractTests(AzuriteServer azurite) : AccountStoreContract(new TableStoreHarness(azurite));
