using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// Checks <see cref="ServiceBusOptions"/> and the <see cref="ServiceBusSettings.Connection"/>
/// section at start; every message names the setting at fault and none prints a secret.
/// </summary>
internal sealed class ServiceBusOptionsValidator(IConfiguration configuration) : IValidateOptions<ServiceBusOptions>
{
    private const string Prefix = ServiceBusOptions.SectionName + ":";
    private const string Connection = ServiceBusSettings.Connection;

    // The keys of the identity-based form, as the Functions host and Microsoft.Extensions.Azure read them.
    private const string FullyQualifiedNamespaceKey = "fullyQualifiedNamespace";
    private const string ClientIdKey = "clientId";

    public ValidateOptionsResult Validate(string? name, ServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.TopicName))
        {
            failures.Add($"{ServiceBusSettings.TopicName} is not set: it names the topic the publisher sends to and the ProjectChange trigger listens on.");
        }
        else if (!IsValidTopicName(options.TopicName))
        {
            failures.Add($"{ServiceBusSettings.TopicName} is '{options.TopicName}', which is not a valid Service Bus topic name: 1 to 260 letters, digits, '.', '-', '_' or '/', starting and ending with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(options.SubscriptionName))
        {
            failures.Add($"{ServiceBusSettings.SubscriptionName} is not set: it names the subscription the ProjectChange trigger reads.");
        }
        else if (!IsValidSubscriptionName(options.SubscriptionName))
        {
            failures.Add($"{ServiceBusSettings.SubscriptionName} is '{options.SubscriptionName}', which is not a valid Service Bus subscription name: 1 to 50 letters, digits, '.', '-' or '_', starting and ending with a letter or digit.");
        }

        if (options.SendMaxRetries is < 0 or > 10)
        {
            failures.Add($"{Prefix}{nameof(options.SendMaxRetries)} is {options.SendMaxRetries}; it must be between 0 and 10 (a publish runs inside the request that accepted the change; repair covers what it misses).");
        }

        if (options.SendTryTimeout < TimeSpan.FromMilliseconds(100) || options.SendTryTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}{nameof(options.SendTryTimeout)} is {options.SendTryTimeout}; it must be between 100 ms and 1 minute.");
        }

        CheckConnection(configuration.GetSection(Connection), options.TopicName, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Topic (and queue) names: 1-260 of letters, digits, '.', '-', '_', '/', starting and ending with a letter or digit.</summary>
    private static bool IsValidTopicName(string topicName) =>
        topicName.Length <= 260
        && char.IsAsciiLetterOrDigit(topicName[0])
        && char.IsAsciiLetterOrDigit(topicName[^1])
        && topicName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/');

    /// <summary>Subscription names: 1-50 of letters, digits, '.', '-', '_', starting and ending with a letter or digit.</summary>
    private static bool IsValidSubscriptionName(string subscriptionName) =>
        subscriptionName.Length <= 50
        && char.IsAsciiLetterOrDigit(subscriptionName[0])
        && char.IsAsciiLetterOrDigit(subscriptionName[^1])
        && subscriptionName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    // The same precedence as the SDK's reading (AddServiceBusClient(section)): a value at the
    // section is a connection string and wins; otherwise the namespace means identity-based access.
    private static void CheckConnection(IConfigurationSection section, string topicName, List<string> failures)
    {
        var fullyQualifiedNamespace = NullIfBlank(section[FullyQualifiedNamespaceKey]);
        var clientId = NullIfBlank(section[ClientIdKey]);
        if (NullIfBlank(section.Value) is { } connectionString)
        {
            CheckConnectionString(connectionString, topicName, failures);
            if (fullyQualifiedNamespace is not null || clientId is not null)
            {
                failures.Add($"{Connection} holds a connection string and {Connection}:{FullyQualifiedNamespaceKey} or {Connection}:{ClientIdKey} is set too: the connection string would win. Keep one form.");
            }

            return;
        }

        if (fullyQualifiedNamespace is null)
        {
            failures.Add(
                $"The Service Bus connection '{Connection}' is not configured: set {Connection} to a connection string, or {Connection}:{FullyQualifiedNamespaceKey} " +
                $"(app setting {Connection}__{FullyQualifiedNamespaceKey}) for identity-based access, with {Connection}:credential = managedidentity and {Connection}:{ClientIdKey} in Azure.");
            return;
        }

        if (Uri.CheckHostName(fullyQualifiedNamespace) != UriHostNameType.Dns || !fullyQualifiedNamespace.Contains('.', StringComparison.Ordinal))
        {
            failures.Add($"{Connection}:{FullyQualifiedNamespaceKey} is '{fullyQualifiedNamespace}'; it must be the namespace's host name, e.g. mynamespace.servicebus.windows.net (no scheme, no path).");
        }

        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            failures.Add($"{Connection}:{ClientIdKey} is '{clientId}'; it must be the client id (a GUID) of a user-assigned managed identity, or be left unset.");
        }
    }

    private static void CheckConnectionString(string connectionString, string topicName, List<string> failures)
    {
        ServiceBusConnectionStringProperties properties;
        try
        {
            properties = ServiceBusConnectionStringProperties.Parse(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The value is not shown: it holds a key.
            failures.Add($"{Connection} is not a valid Service Bus connection string ({ex.GetType().Name}).");
            return;
        }

        if (properties.Endpoint is null)
        {
            failures.Add($"{Connection} is not a valid Service Bus connection string: it has no Endpoint.");
        }

        var hasKey = !string.IsNullOrEmpty(properties.SharedAccessKeyName) && !string.IsNullOrEmpty(properties.SharedAccessKey);
        if (!hasKey && string.IsNullOrEmpty(properties.SharedAccessSignature))
        {
            failures.Add($"{Connection} is not a usable Service Bus connection string: it needs SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature (or use {Connection}:{FullyQualifiedNamespaceKey} for identity-based access).");
        }

        if (!string.IsNullOrEmpty(properties.EntityPath) && !string.Equals(properties.EntityPath, topicName, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Connection} names the entity '{properties.EntityPath}' (EntityPath) but {ServiceBusSettings.TopicName} is '{topicName}': use a namespace-level connection string or the same topic.");
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
