namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter of the IProjectionStore port under its contract.</summary>
public sealed class SqliteProjectionStoreContractTests() : ProjectionStoreContract(new SqliteStoreHarness());
