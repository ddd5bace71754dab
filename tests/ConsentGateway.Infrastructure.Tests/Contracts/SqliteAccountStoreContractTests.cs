namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter of the IAccountStore port under its contract.</summary>
public sealed class SqliteAccountStoreContractTests() : AccountStoreContract(new SqliteStoreHarness());
