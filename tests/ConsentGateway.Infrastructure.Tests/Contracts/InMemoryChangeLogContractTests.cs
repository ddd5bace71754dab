namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The in-memory change log of the unit tests under the adapters' contract.</summary>
public sealed class InMemoryChangeLogContractTests() : ChangeLogContract(new InMemoryChangeLogHarness());
