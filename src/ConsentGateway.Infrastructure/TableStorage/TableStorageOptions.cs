namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// Where the accounts, devices, intents, projections and the change log live, bound from <c>Consent:Storage</c>
/// and validated at start by <see cref="TableStorageOptionsValidator"/>. The connection keys are
/// those <c>Microsoft.Extensions.Azure</c> reads from a section (<c>connectionString</c>, or
/// <c>serviceUri</c> with <c>credential</c> and <c>clientId</c>): the client's credential is made
/// from this section by <c>AzureComponentFactory.CreateTokenCredential</c>.
/// </summary>
public sealed class TableStorageOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Consent:Storage";

    /// <summary>A storage connection string, used when <see cref="ServiceUri"/> is not set (locally: Azurite).</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The table endpoint (<c>https://ACCOUNT.table.core.windows.net/</c>); when set, access is
    /// identity-based and <see cref="ConnectionString"/> is ignored.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>
    /// The credential of identity-based access: <c>managedidentity</c> (in Azure) for
    /// <c>ManagedIdentityCredential</c>; unset, <c>DefaultAzureCredential</c> (a developer's sign-in).
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>The client id of the user-assigned managed identity to use with <see cref="ServiceUri"/>; empty: the default identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>The table of accounts, their setting history and their device index.</summary>
    public string AccountsTable { get; set; } = "accounts";

    /// <summary>The table of devices and their links to accounts.</summary>
    public string DevicesTable { get; set; } = "devices";

    /// <summary>The write-ahead intent log of the propagation: changes accepted and not yet projected.</summary>
    public string IntentsTable { get; set; } = "intents";

    /// <summary>The decision projection: one row per account and one per device, read by the evaluator.</summary>
    public string ProjectionsTable { get; set; } = "projections";

    /// <summary>The change log: every projection row written, by time, followed by every instance's decision cache.</summary>
    public string ChangeLogTable { get; set; } = "changelog";

    /// <summary>
    /// How long one try of a store call may wait for the store (the SDK's <c>NetworkTimeout</c>,
    /// 100 s by default) before it counts as failed; short, so that an unreachable store is
    /// known within the 2 s a write has to answer 503 (SPEC §4).
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(550);

    /// <summary>Tries of a failed store call after the first (connection failures, timeouts, 408, 5xx), each after <see cref="RetryDelay"/>.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The pause before each retry (fixed, not growing: the whole call stays within a known time).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest one store call can take before it gives up: every try timing out, with the pauses between them.</summary>
    public TimeSpan WorstCallTime() => (RequestTimeout * (MaxRetries + 1)) + (RetryDelay * MaxRetries);

    /// <summary>Every table, with the name of its setting (a method, so that binding leaves it alone).</summary>
    public IReadOnlyList<(string Setting, string Name)> Tables() =>
    [
        (nameof(AccountsTable), AccountsTable),
        (nameof(DevicesTable), DevicesTable),
        (nameof(IntentsTable), IntentsTable),
        (nameof(ProjectionsTable), ProjectionsTable),
        (nameof(ChangeLogTable), ChangeLogTable),
    ];

    // A connection string may carry an account key: never print it.
    public override string ToString() =>
        $"{nameof(TableStorageOptions)} {{ ConnectionString = (not shown), ServiceUri = {ServiceUri}, Credential = {Credential}, ClientId = {ClientId}, " +
        $"AccountsTable = {AccountsTable}, DevicesTable = {DevicesTable}, IntentsTable = {IntentsTable}, ProjectionsTable = {ProjectionsTable}, ChangeLogTable = {ChangeLogTable}, " +
        $"RequestTimeout = {RequestTimeout}, MaxRetries = {MaxRetries}, RetryDelay = {RetryDelay} }}";
}
