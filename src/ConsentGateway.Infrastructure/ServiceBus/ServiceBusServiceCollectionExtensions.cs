using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// The Service Bus publisher as <see cref="IChangePublisher"/>: <see cref="ServiceBusOptions"/>
    /// from <c>Consent:ServiceBus</c> (validated at start, connection setting included), one
    /// <see cref="ServiceBusClient"/> and one <see cref="ServiceBusSender"/> for the topic
    /// (singletons, disposed with the container; a sender registered before this call is kept,
    /// which is how tests put a fake in). Identity-based access uses <see cref="ManagedIdentity"/>.
    /// </summary>
    public static IServiceCollection AddConsentServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ServiceBusOptions>()
            .Bind(configuration.GetSection(ServiceBusOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusOptions>>(new ServiceBusOptionsValidator(configuration)));

        services.TryAddSingleton(provider => CreateClient(provider.GetRequiredService<IOptions<ServiceBusOptions>>().Value, configuration));
        services.TryAddSingleton(provider => provider.GetRequiredService<ServiceBusClient>()
            .CreateSender(provider.GetRequiredService<IOptions<ServiceBusOptions>>().Value.TopicName));

        // Not TryAdd: whatever publisher an earlier registration brought, this app publishes to Service Bus.
        services.AddSingleton<IChangePublisher, ServiceBusChangePublisher>();
        return services;
    }

    private static ServiceBusClient CreateClient(ServiceBusOptions options, IConfiguration configuration)
    {
        var connection = ServiceBusConnectionSetting.Read(configuration, options.ConnectionName);
        var clientOptions = new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions
            {
                Mode = ServiceBusRetryMode.Exponential,
                MaxRetries = options.SendMaxRetries,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(2),
                TryTimeout = options.SendTryTimeout,
            },
        };

        if (connection.ConnectionString is { } connectionString)
        {
            return new ServiceBusClient(connectionString, clientOptions);
        }

        // Validated at start; reaching here without a namespace means validation was bypassed.
        var fullyQualifiedNamespace = connection.FullyQualifiedNamespace
            ?? throw new InvalidOperationException($"The Service Bus connection '{connection.Name}' is not configured.");
        return new ServiceBusClient(fullyQualifiedNamespace, ManagedIdentity.Credential(connection.ClientId), clientOptions);
    }
}
