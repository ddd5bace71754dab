namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The SQLite adapter of the IDeviceStore port under its contract.</summary>
public sealed class SqliteDeviceStoreContractTests() : DeviceStoreContract(new SqliteStoreHarness());
