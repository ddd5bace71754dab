using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.ServiceBus;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// The Service Bus publisher as <see cref="IChangePublisher"/>: <see cref="ServiceBusOptions"/>
    /// (the trigger's topic and subscription settings and <c>Consent:ServiceBus</c>, validated at
    /// start, connection included), one <see cref="ServiceBusClient"/> built by
    /// <c>Microsoft.Extensions.Azure</c> from the <see cref="ServiceBusSettings.Connection"/> section
    /// and one <see cref="ServiceBusSender"/> for the topic (singletons, disposed with the container;
    /// a client or sender registered before this call is kept, which is how tests put a fake in).
    /// </summary>
    public static IServiceCollection AddConsentServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ServiceBusOptions>()
            .Bind(configuration.GetSection(ServiceBusOptions.SectionName))
            .Configure(options =>
            {
                options.TopicName = configuration[ServiceBusSettings.TopicName] ?? "";
                options.SubscriptionName = configuration[ServiceBusSettings.SubscriptionName] ?? "";
            })
            .ValidateOnStart();

        // An instance, because the validator checks the connection section of the configuration
        // given here (a bare ServiceCollection, as in tests, has no IConfiguration service).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusOptions>>(new ServiceBusOptionsValidator(configuration)));

        // The SDK reads the section as the Functions host does: a connection string at the section,
        // or fullyQualifiedNamespace with the credential it names (credential = managedidentity and
        // clientId: ManagedIdentityCredential; otherwise AzureComponentFactory's default credential).
        services.AddAzureClients(clients => clients
            .AddServiceBusClient(configuration.GetSection(ServiceBusSettings.Connection))
            .ConfigureOptions((clientOptions, provider) =>
            {
                var options = provider.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
                clientOptions.RetryOptions = new ServiceBusRetryOptions
                {
                    Mode = ServiceBusRetryMode.Exponential,
                    MaxRetries = options.SendMaxRetries,
                    Delay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(2),
                    TryTimeout = options.SendTryTimeout,
                };
            }));
        services.TryAddSingleton(provider => provider.GetRequiredService<ServiceBusClient>()
            .CreateSender(provider.GetRequiredService<IOptions<ServiceBusOptions>>().Value.TopicName));

        // Message ids are keyed with the subject hash key, the same in every instance (duplicate detection).
        services.AddSubjectPseudonyms();

        // Not TryAdd: whatever publisher an earlier registration brought, this app publishes to Service Bus.
        services.AddSingleton<IChangePublisher, ServiceBusChangePublisher>();
        return services;
    }
}
