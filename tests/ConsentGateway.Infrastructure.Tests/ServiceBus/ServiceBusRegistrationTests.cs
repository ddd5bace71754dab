using Azure.Identity;
using Azure.Messaging.ServiceBus;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.ServiceBus;
using ConsentGateway.Testing.Propagation;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests.ServiceBus;

public sealed class ServiceBusRegistrationTests
{
    private const string Secret = "c2VjcmV0LWtleS1ub3QtdG8tYmUtcHJpbnRlZA==";
    private const string ConnectionString = "Endpoint=sb://consent-test.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Secret;
    private const string ClientId = "00000000-0000-0000-0000-000000000001";

    [Fact]
    public async Task A_connection_string_gives_one_client_one_sender_for_the_topic_and_the_publisher()
    {
        // Building a client or a sender opens no connection: nothing here reaches the network.
        await using var services = Build(Settings((ServiceBusSettings.Connection, ConnectionString)));

        var client = services.GetRequiredService<ServiceBusClient>();
        var sender = services.GetRequiredService<ServiceBusSender>();
        Assert.Same(client, services.GetRequiredService<ServiceBusClient>());
        Assert.Same(sender, services.GetRequiredService<ServiceBusSender>());
        Assert.Equal("consent-test.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal("consent-changes", sender.EntityPath);
        Assert.IsType<ServiceBusChangePublisher>(services.GetRequiredService<IChangePublisher>());
    }

    [Fact]
    public async Task The_identity_based_form_is_read_as_the_functions_host_reads_it()
    {
        await using var services = Build(Settings(
            ("ServiceBusConnection:fullyQualifiedNamespace", "consent-prod.servicebus.windows.net"),
            ("ServiceBusConnection:credential", "managedidentity"),
            ("ServiceBusConnection:clientId", ClientId),
            (ServiceBusSettings.TopicName, "changes")));

        AssertValid(services);
        Assert.Equal("consent-prod.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.Equal("changes", services.GetRequiredService<ServiceBusSender>().EntityPath);
    }

    [Theory]
    [InlineData("managedidentity", ClientId, typeof(ManagedIdentityCredential))]
    [InlineData("managedidentity", null, typeof(ManagedIdentityCredential))]
    [InlineData(null, ClientId, typeof(DefaultAzureCredential))]
    [InlineData(null, null, typeof(DefaultAzureCredential))]
    public async Task The_identity_based_form_uses_the_credential_the_section_names(string? credential, string? clientId, Type expected)
    {
        // Bicep deploys credential = managedidentity with the user-assigned identity's clientId:
        // ManagedIdentityCredential in Azure; without it, the developer's sign-in (DefaultAzureCredential).
        var configuration = Configuration(Settings(
            ("ServiceBusConnection:fullyQualifiedNamespace", "consent-prod.servicebus.windows.net"),
            ("ServiceBusConnection:credential", credential),
            ("ServiceBusConnection:clientId", clientId)));
        await using var services = new ServiceCollection().AddConsentServiceBus(configuration).BuildServiceProvider();

        AssertValid(services);
        Assert.Equal("consent-prod.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        var factory = services.GetRequiredService<AzureComponentFactory>();
        Assert.IsType(expected, factory.CreateTokenCredential(configuration.GetSection(ServiceBusSettings.Connection)));
    }

    [Fact]
    public async Task A_sender_registered_first_is_the_one_the_publisher_uses()
    {
        var fake = new RecordingServiceBusSender();
        var collection = new ServiceCollection().AddSingleton<ServiceBusSender>(fake);
        await using var services = collection.AddConsentServiceBus(Configuration(Settings((ServiceBusSettings.Connection, ConnectionString)))).BuildServiceProvider();

        await services.GetRequiredService<IChangePublisher>().PublishAsync(
            new ChangeNotice(ChangeKind.Account, "user-1", 1, DateTimeOffset.UnixEpoch, "intent-1"), CancellationToken.None);

        Assert.Equal(new ChangeNotice(ChangeKind.Account, "user-1", 1, default, "any").MessageId(services.GetRequiredService<SubjectPseudonyms>()), Assert.Single(fake.Sent).MessageId);
    }

    [Fact]
    public async Task The_publisher_reads_the_trigger_s_settings_and_only_those()
    {
        await using var services = Build(Settings(
            (ServiceBusSettings.Connection, ConnectionString),
            ("Consent:ServiceBus:TopicName", "elsewhere"),
            ("Consent:ServiceBus:SubscriptionName", "other")));

        var options = services.GetRequiredService<IOptions<ServiceBusOptions>>().Value;

        Assert.Equal("consent-changes", options.TopicName);
        Assert.Equal("projector", options.SubscriptionName);
        Assert.Equal("consent-changes", services.GetRequiredService<ServiceBusSender>().EntityPath);
    }

    public static TheoryData<Dictionary<string, string?>, string> BadSettings() => new()
    {
        { Settings(), "The Service Bus connection 'ServiceBusConnection' is not configured" },
        { Settings((ServiceBusSettings.Connection, ConnectionString), (ServiceBusSettings.TopicName, null)), "ServiceBusTopicName is not set" },
        { Settings((ServiceBusSettings.Connection, ConnectionString), (ServiceBusSettings.SubscriptionName, " ")), "ServiceBusSubscriptionName is not set" },
        { Settings((ServiceBusSettings.Connection, "this is not a connection string")), "ServiceBusConnection is not a" },
        { Settings((ServiceBusSettings.Connection, "SharedAccessKey=" + Secret + ";no endpoint")), "ServiceBusConnection is not a" },
        { Settings((ServiceBusSettings.Connection, "Endpoint=sb://x.servicebus.windows.net/")), "SharedAccessKeyName and SharedAccessKey" },
        { Settings((ServiceBusSettings.Connection, ConnectionString + ";EntityPath=other")), "(EntityPath) but ServiceBusTopicName" },
        { Settings(("ServiceBusConnection:fullyQualifiedNamespace", "https://x.servicebus.windows.net/")), "ServiceBusConnection:fullyQualifiedNamespace is 'https://x.servicebus.windows.net/'" },
        { Settings(("ServiceBusConnection:fullyQualifiedNamespace", "x.servicebus.windows.net"), ("ServiceBusConnection:clientId", "me")), "ServiceBusConnection:clientId is 'me'" },
        { Settings((ServiceBusSettings.Connection, ConnectionString), ("ServiceBusConnection:clientId", ClientId)), "the connection string would win" },
        { Settings((ServiceBusSettings.Connection, ConnectionString), (ServiceBusSettings.TopicName, "-changes")), "ServiceBusTopicName is '-changes'" },
        { Settings((ServiceBusSettings.Connection, ConnectionString), (ServiceBusSettings.SubscriptionName, new string('s', 51))), "ServiceBusSubscriptionName is" },
        { Settings((ServiceBusSettings.Connection, ConnectionString), ("Consent:ServiceBus:SendMaxRetries", "50")), "Consent:ServiceBus:SendMaxRetries is 50" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_app_at_start_with_a_message_naming_it(Dictionary<string, string?> settings, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddConsentServiceBus(builder.Configuration);
        var host = builder.Build();
        await using var disposeHost = (IAsyncDisposable)host;

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(CancellationToken.None));

        Assert.Contains(failure.Failures, f => f.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
    }

    // The trigger's settings as the sample and Bicep give them, with the changes of one test (null removes a setting).
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] changes)
    {
        var settings = new Dictionary<string, string?>
        {
            [ServiceBusSettings.TopicName] = "consent-changes",
            [ServiceBusSettings.SubscriptionName] = "projector",
        };
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddConsentServiceBus(Configuration(settings)).BuildServiceProvider(validateScopes: true);

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    // Reading the options runs their validation; an invalid configuration throws here.
    private static void AssertValid(IServiceProvider services) => Assert.NotNull(services.GetRequiredService<IOptions<ServiceBusOptions>>().Value);
}
