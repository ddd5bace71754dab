using Azure.Identity;

namespace ConsentGateway.Infrastructure;

/// <summary>The credential of identity-based access, shared by the Table and Service Bus clients.</summary>
internal static class ManagedIdentity
{
    /// <summary>
    /// <see cref="DefaultAzureCredential"/>: the managed identity in Azure (the user-assigned one
    /// when <paramref name="clientId"/> is given), developer credentials elsewhere.
    /// </summary>
    public static DefaultAzureCredential Credential(string? clientId) =>
        new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(clientId) ? null : clientId });
}
