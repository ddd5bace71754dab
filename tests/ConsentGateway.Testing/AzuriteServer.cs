using Azure.Data.Tables;

namespace ConsentGateway.Testing;

/// <summary>
/// A real Azurite Table service on a free loopback port, in memory, for integration tests
/// (<see cref="AzuriteProcess"/>); the process tree is killed on dispose. Share one per test project as an xunit collection
/// fixture: the collection definition must live in the test assembly itself, e.g.
/// <code>
/// [CollectionDefinition(Name)]
/// public sealed class SharedAzurite : ICollectionFixture&lt;AzuriteServer&gt; { public const string Name = "Azurite"; }
/// </code>
/// and each test class is marked <c>[Collection(SharedAzurite.Name)]</c> and takes an
/// <see cref="AzuriteServer"/> in its constructor. Tests isolate themselves with their own
/// tables (<see cref="CreateTableAsync"/>, <see cref="UniqueTableName"/>).
/// </summary>
public sealed class AzuriteServer() : AzuriteProcess("table")
{
    /// <summary>A fresh table name, <paramref name="prefix"/> and 12 random hex digits, so tests never see each other's rows.</summary>
    public static string UniqueTableName(string prefix)
    {
        if (prefix.Length is 0 or > 40 || !char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("A table name prefix is 1-40 letters or digits, starting with a letter.", nameof(prefix));
        }

        return prefix + Guid.NewGuid().ToString("N")[..12];
    }

    public TableServiceClient CreateServiceClient() => new(ConnectionString);

    /// <summary>Creates a table named <see cref="UniqueTableName"/>(<paramref name="prefix"/>) and returns its client.</summary>
    public async Task<TableClient> CreateTableAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var table = CreateServiceClient().GetTableClient(UniqueTableName(prefix));
        await table.CreateAsync(cancellationToken).ConfigureAwait(false);
        return table;
    }
}
