using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The Table Storage adapter of the IIntentLog port under its contract.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableIntentLogContractTests(AzuriteServer azurite) : IntentLogContract(new TableStoreHarness(azurite));
