namespace ConsentGateway.Infrastructure.Policy;

/// <summary>
/// The blob the Functions app reads its policy document from while it runs, bound from
/// <c>Consent:Policy:Blob</c> (the section's presence turns the source on) and validated at start
/// by <see cref="PolicyBlobOptionsValidator"/>. The connection keys are those
/// <c>Microsoft.Extensions.Azure</c> reads from a section, as for <c>Consent:Storage</c>:
/// <c>connectionString</c> (locally: Azurite), or <c>serviceUri</c> with <c>credential</c> and <c>clientId</c>.
/// </summary>
public sealed class PolicyBlobOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Consent:Policy:Blob";

    /// <summary>A storage connection string, used when <see cref="ServiceUri"/> is not set (locally: Azurite).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob endpoint (<c>https://ACCOUNT.blob.core.windows.net/</c>); when set, access is identity-based and <see cref="ConnectionString"/> is ignored.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary><c>managedidentity</c> (in Azure) for <c>ManagedIdentityCredential</c>; unset, <c>DefaultAzureCredential</c>.</summary>
    public string? Credential { get; set; }

    /// <summary>The client id of the user-assigned managed identity to use with <see cref="ServiceUri"/>; empty: the default identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>The private container that holds the policy document.</summary>
    public string ContainerName { get; set; } = "policy";

    /// <summary>The policy document's blob in <see cref="ContainerName"/>.</summary>
    public string BlobName { get; set; } = "policy.json";

    /// <summary>
    /// How often every instance asks for the blob's ETag (one HEAD; the content only when it
    /// changed): a published document decides on every instance within this and one read.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    // A connection string may carry an account key: never print it.
    public override string ToString() =>
        $"{nameof(PolicyBlobOptions)} {{ ConnectionString = (not shown), ServiceUri = {ServiceUri}, Credential = {Credential}, ClientId = {ClientId}, " +
        $"ContainerName = {ContainerName}, BlobName = {BlobName}, PollInterval = {PollInterval} }}";
}
