using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.ServiceBus;

/// <summary>
/// Checks <see cref="ServiceBusOptions"/> and the connection setting they name at start; every
/// message names the setting at fault and none prints a secret.
/// </summary>
public sealed class ServiceBusOptionsValidator(IConfiguration configuration) : IValidateOptions<ServiceBusOptions>
{
    /// <summary>The app setting the Functions trigger reads its topic from (<c>%ServiceBusTopicName%</c>).</summary>
    public const string TriggerTopicSetting = "ServiceBusTopicName";

    /// <summary>The app setting the Functions trigger reads its subscription from (<c>%ServiceBusSubscriptionName%</c>).</summary>
    public const string TriggerSubscriptionSetting = "ServiceBusSubscriptionName";

    private const string Prefix = ServiceBusOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, ServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!IsValidTopicName(options.TopicName))
        {
            failures.Add($"{Prefix}{nameof(options.TopicName)} is '{options.TopicName}', which is not a valid Service Bus topic name: 1 to 260 letters, digits, '.', '-', '_' or '/', starting and ending with a letter or digit.");
        }

        if (!IsValidSubscriptionName(options.SubscriptionName))
        {
            failures.Add($"{Prefix}{nameof(options.SubscriptionName)} is '{options.SubscriptionName}', which is not a valid Service Bus subscription name: 1 to 50 letters, digits, '.', '-' or '_', starting and ending with a letter or digit.");
        }

        // The Functions trigger reads its own settings; a publisher sending to another topic than the
        // one the projector listens on would lose every notice to repair, so a mismatch stops the app.
        CheckSameAsTrigger(options.TopicName, nameof(options.TopicName), TriggerTopicSetting, failures);
        CheckSameAsTrigger(options.SubscriptionName, nameof(options.SubscriptionName), TriggerSubscriptionSetting, failures);

        if (options.SendMaxRetries is < 0 or > 10)
        {
            failures.Add($"{Prefix}{nameof(options.SendMaxRetries)} is {options.SendMaxRetries}; it must be between 0 and 10 (a publish runs inside the request that accepted the change; repair covers what it misses).");
        }

        if (options.SendTryTimeout < TimeSpan.FromMilliseconds(100) || options.SendTryTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}{nameof(options.SendTryTimeout)} is {options.SendTryTimeout}; it must be between 100 ms and 1 minute.");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionName))
        {
            failures.Add($"{Prefix}{nameof(options.ConnectionName)} is empty: it names the connection setting (default ServiceBusConnection).");
        }
        else
        {
            CheckConnection(ServiceBusConnectionSetting.Read(configuration, options.ConnectionName), options.TopicName, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Topic (and queue) names: 1-260 of letters, digits, '.', '-', '_', '/', starting and ending with a letter or digit.</summary>
    public static bool IsValidTopicName(string? topicName) =>
        topicName is { Length: >= 1 and <= 260 }
        && char.IsAsciiLetterOrDigit(topicName[0])
        && char.IsAsciiLetterOrDigit(topicName[^1])
        && topicName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/');

    /// <summary>Subscription names: 1-50 of letters, digits, '.', '-', '_', starting and ending with a letter or digit.</summary>
    public static bool IsValidSubscriptionName(string? subscriptionName) =>
        subscriptionName is { Length: >= 1 and <= 50 }
        && char.IsAsciiLetterOrDigit(subscriptionName[0])
        && char.IsAsciiLetterOrDigit(subscriptionName[^1])
        && subscriptionName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private void CheckSameAsTrigger(string? value, string option, string triggerSetting, List<string> failures)
    {
        var trigger = configuration[triggerSetting];
        if (!string.IsNullOrWhiteSpace(trigger) && !string.Equals(trigger.Trim(), value, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Prefix}{option} is '{value}' but the trigger's setting {triggerSetting} is '{trigger}': notices would be published where the projector does not read. Set both to the same name.");
        }
    }

    private static void CheckConnection(ServiceBusConnectionSetting connection, string? topicName, List<string> failures)
    {
        var name = connection.Name;
        if (connection.ConnectionString is { } connectionString)
        {
            CheckConnectionString(name, connectionString, topicName, failures);
            if (connection.FullyQualifiedNamespace is not null || connection.ClientId is not null)
            {
                failures.Add($"{name} holds a connection string and {name}:{ServiceBusConnectionSetting.FullyQualifiedNamespaceKey} or {name}:{ServiceBusConnectionSetting.ClientIdKey} is set too: the connection string would win. Keep one form.");
            }

            return;
        }

        if (connection.FullyQualifiedNamespace is { } fullyQualifiedNamespace)
        {
            if (Uri.CheckHostName(fullyQualifiedNamespace) != UriHostNameType.Dns || !fullyQualifiedNamespace.Contains('.', StringComparison.Ordinal))
            {
                failures.Add($"{name}:{ServiceBusConnectionSetting.FullyQualifiedNamespaceKey} is '{fullyQualifiedNamespace}'; it must be the namespace's host name, e.g. mynamespace.servicebus.windows.net (no scheme, no path).");
            }

            if (connection.ClientId is { } clientId && !Guid.TryParse(clientId, out _))
            {
                failures.Add($"{name}:{ServiceBusConnectionSetting.ClientIdKey} is '{clientId}'; it must be the client id (a GUID) of a user-assigned managed identity, or be left unset.");
            }

            return;
        }

        failures.Add(
            $"The Service Bus connection '{name}' is not configured: set {name} to a connection string, or {name}:{ServiceBusConnectionSetting.FullyQualifiedNamespaceKey} " +
            $"(app setting {name}__{ServiceBusConnectionSetting.FullyQualifiedNamespaceKey}) for identity-based access, optionally with {name}:{ServiceBusConnectionSetting.ClientIdKey}.");
    }

    private static void CheckConnectionString(string name, string connectionString, string? topicName, List<string> failures)
    {
        ServiceBusConnectionStringProperties properties;
        try
        {
            properties = ServiceBusConnectionStringProperties.Parse(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The value is not shown: it holds a key.
            failures.Add($"{name} is not a valid Service Bus connection string ({ex.GetType().Name}).");
            return;
        }

        if (properties.Endpoint is null)
        {
            failures.Add($"{name} is not a valid Service Bus connection string: it has no Endpoint.");
        }

        var hasKey = !string.IsNullOrEmpty(properties.SharedAccessKeyName) && !string.IsNullOrEmpty(properties.SharedAccessKey);
        if (!hasKey && string.IsNullOrEmpty(properties.SharedAccessSignature))
        {
            failures.Add($"{name} is not a usable Service Bus connection string: it needs SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature (or use {name}:{ServiceBusConnectionSetting.FullyQualifiedNamespaceKey} for identity-based access).");
        }

        if (!string.IsNullOrEmpty(properties.EntityPath) && !string.Equals(properties.EntityPath, topicName, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{name} names the entity '{properties.EntityPath}' (EntityPath) but {Prefix}{nameof(ServiceBusOptions.TopicName)} is '{topicName}': use a namespace-level connection string or the same topic.");
        }
    }
}
