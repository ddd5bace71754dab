namespace ConsentGateway.EndToEnd.Tests;

/// <summary><see cref="AccountApiTests"/> again with the self-host on Table Storage (Azurite): the end-to-end pass of the Table adapter.</summary>
public sealed class AccountApiOnTableStorageTests(TableStorageGateway server) : AccountApiTests(server), IClassFixture<TableStorageGateway>;
