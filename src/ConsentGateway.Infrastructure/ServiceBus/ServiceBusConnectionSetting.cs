using Microsoft.Extensions.Configuration;

namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// A Service Bus connection read as the Functions host reads one named <c>name</c>: a connection
/// string at <c>name</c> wins; otherwise <c>name:fullyQualifiedNamespace</c> means identity-based
/// access, with <c>name:clientId</c> naming a user-assigned managed identity.
/// </summary>
internal sealed record ServiceBusConnectionSetting(string Name, string? ConnectionString, string? FullyQualifiedNamespace, string? ClientId)
{
    public const string FullyQualifiedNamespaceKey = "fullyQualifiedNamespace";
    public const string ClientIdKey = "clientId";

    public bool IsIdentityBased => ConnectionString is null && FullyQualifiedNamespace is not null;

    public static ServiceBusConnectionSetting Read(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection(name);
        return new(name, NullIfBlank(section.Value), NullIfBlank(section[FullyQualifiedNamespaceKey]), NullIfBlank(section[ClientIdKey]));
    }

    // A connection string carries a key: never print it.
    public override string ToString() =>
        $"{Name}: {(ConnectionString is not null ? "connection string (not shown)" : FullyQualifiedNamespace is not null ? $"identity-based, {FullyQualifiedNamespace}" : "not set")}";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
