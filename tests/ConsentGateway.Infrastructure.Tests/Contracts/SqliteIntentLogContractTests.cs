namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter of the IIntentLog port under its contract.</summary>
public sealed class SqliteIntentLogContractTests() : IntentLogContract(new SqliteStoreHarness());
