using System.Text;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// Where the accounts, devices, intents and projections live, bound from <c>Consent:Storage</c>
/// and validated at start by <see cref="TableStorageOptionsValidator"/>.
/// </summary>
public sealed record TableStorageOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Consent:Storage";

    /// <summary>A storage connection string, used when <see cref="ServiceUri"/> is not set (locally: Azurite).</summary>
    public string ConnectionString { get; init; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The table endpoint (<c>https://ACCOUNT.table.core.windows.net/</c>); when set, access is
    /// identity-based (<c>DefaultAzureCredential</c>) and <see cref="ConnectionString"/> is ignored.
    /// </summary>
    public Uri? ServiceUri { get; init; }

    /// <summary>The client id of the user-assigned managed identity to use with <see cref="ServiceUri"/>; empty: the default identity.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>The table of accounts, their setting history and their device index.</summary>
    public string AccountsTable { get; init; } = "accounts";

    /// <summary>The table of devices and their links to accounts.</summary>
    public string DevicesTable { get; init; } = "devices";

    /// <summary>The write-ahead intent log of the propagation: changes accepted and not yet projected.</summary>
    public string IntentsTable { get; init; } = "intents";

    /// <summary>The decision projection: one row per account and one per device, read by the evaluator.</summary>
    public string ProjectionsTable { get; init; } = "projections";

    /// <summary>Every table, with the name of its setting (a method, so that binding leaves it alone).</summary>
    public IReadOnlyList<(string Setting, string Name)> Tables() =>
    [
        (nameof(AccountsTable), AccountsTable),
        (nameof(DevicesTable), DevicesTable),
        (nameof(IntentsTable), IntentsTable),
        (nameof(ProjectionsTable), ProjectionsTable),
    ];

    // A connection string may carry an account key: never print it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ConnectionString = (not shown), ServiceUri = ").Append(ServiceUri)
            .Append(", ManagedIdentityClientId = ").Append(ManagedIdentityClientId)
            .Append(", AccountsTable = ").Append(AccountsTable)
            .Append(", DevicesTable = ").Append(DevicesTable)
            .Append(", IntentsTable = ").Append(IntentsTable)
            .Append(", ProjectionsTable = ").Append(ProjectionsTable);
        return true;
    }
}
