using Azure.Core;
using Azure.Identity;

namespace ConsentGateway.Functions;

/// <summary>
/// The credential of the worker's Azure Monitor exporter, from the app setting the Functions host
/// reads for its own telemetry (<c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>,
/// <c>ClientId=…;Authorization=AAD</c>): the Application Insights resource refuses local
/// authentication, so without it the worker's telemetry would be rejected.
/// </summary>
public static class AzureMonitorAuthentication
{
    public const string SettingKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>A managed identity credential (the user-assigned one the string names, else the system-assigned); <c>null</c> when the string asks for none.</summary>
    public static TokenCredential? CredentialOf(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
