namespace ConsentGateway.EndToEnd.Tests;

/// <summary><see cref="MalformedRequestTests"/> again with the self-host on Table Storage (Azurite): bad input changes nothing there either.</summary>
public sealed class MalformedRequestOnTableStorageTests(TableStorageGateway server) : MalformedRequestTests(server), IClassFixture<TableStorageGateway>;
