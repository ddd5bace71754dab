namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter of the IChangeLog port under its contract.</summary>
public sealed class SqliteChangeLogContractTests() : ChangeLogContract(new SqliteStoreHarness());
