namespace ConsentGateway.EndToEnd.Tests.Effects;

/// <summary><see cref="EffectsApiTests"/> again with the self-host on Table Storage (Azurite): receipts, effects and the export through the Table adapter.</summary>
public sealed class EffectsApiOnTableStorageTests(TableStorageGateway server) : EffectsApiTests(server), IClassFixture<TableStorageGateway>;
