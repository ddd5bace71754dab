using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests.ServiceBus;

public sealed class ServiceBusRegistrationTests
{
    private const string Secret = "c2VjcmV0LWtleS1ub3QtdG8tYmUtcHJpbnRlZA==";
    private const string ConnectionString = "Endpoint=sb://consent-test.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Secret;

    [Fact]
    public async Task A_connection_string_gives_one_client_one_sender_for_the_topic_and_the_publisher()
    {
        // Building a client or a sender opens no connection: nothing here reaches the network.
        await using var services = Build(new() { ["ServiceBusConnection"] = ConnectionString });

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
        await using var services = Build(new()
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "consent-prod.servicebus.windows.net",
            ["ServiceBusConnection:clientId"] = "00000000-0000-0000-0000-000000000001",
            ["Consent:ServiceBus:TopicName"] = "changes",
        });

        AssertValid(services);
        Assert.Equal("consent-prod.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.Equal("changes", services.GetRequiredService<ServiceBusSender>().EntityPath);
    }

    [Fact]
    public async Task A_sender_registered_first_is_the_one_the_publisher_uses()
    {
        var fake = new RecordingServiceBusSender();
        var collection = new ServiceCollection().AddSingleton<ServiceBusSender>(fake);
        await using var services = collection.AddConsentServiceBus(Configuration(new() { ["ServiceBusConnection"] = ConnectionString })).BuildServiceProvider();

        await services.GetRequiredService<IChangePublisher>().PublishAsync(
            new ChangeNotice(ChangeKind.Account, "user-1", 1, DateTimeOffset.UnixEpoch, "intent-1"), CancellationToken.None);

        Assert.Equal(new ChangeNotice(ChangeKind.Account, "user-1", 1, default, "any").MessageId, Assert.Single(fake.Sent).MessageId);
    }

    [Fact]
    public async Task The_defaults_are_the_documented_names()
    {
        await using var services = Build(new() { ["ServiceBusConnection"] = ConnectionString });

        var options = services.GetRequiredService<IOptions<ServiceBusOptions>>().Value;

        Assert.Equal("consent-changes", options.TopicName);
        Assert.Equal("projector", options.SubscriptionName);
        Assert.Equal("ServiceBusConnection", options.ConnectionName);
    }

    public static TheoryData<Dictionary<string, string?>, string> BadSettings() => new()
    {
        { new(), "The Service Bus connection 'ServiceBusConnection' is not configured" },
        { new() { ["ServiceBusConnection"] = "this is not a connection string" }, "ServiceBusConnection is not a" },
        { new() { ["ServiceBusConnection"] = "Endpoint=sb://x.servicebus.windows.net/" }, "SharedAccessKeyName and SharedAccessKey" },
        { new() { ["ServiceBusConnection"] = ConnectionString + ";EntityPath=other" }, "(EntityPath) but Consent:ServiceBus:TopicName" },
        { new() { ["ServiceBusConnection:fullyQualifiedNamespace"] = "https://x.servicebus.windows.net/" }, "ServiceBusConnection:fullyQualifiedNamespace is 'https://x.servicebus.windows.net/'" },
        { new() { ["ServiceBusConnection:fullyQualifiedNamespace"] = "x.servicebus.windows.net", ["ServiceBusConnection:clientId"] = "me" }, "ServiceBusConnection:clientId is 'me'" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["ServiceBusConnection:clientId"] = "00000000-0000-0000-0000-000000000001" }, "the connection string would win" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["Consent:ServiceBus:TopicName"] = "-changes" }, "Consent:ServiceBus:TopicName is '-changes'" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["Consent:ServiceBus:SubscriptionName"] = new string('s', 51) }, "Consent:ServiceBus:SubscriptionName is" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["ServiceBusTopicName"] = "elsewhere" }, "the trigger's setting ServiceBusTopicName is 'elsewhere'" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["ServiceBusSubscriptionName"] = "other" }, "the trigger's setting ServiceBusSubscriptionName is 'other'" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["Consent:ServiceBus:SendMaxRetries"] = "50" }, "Consent:ServiceBus:SendMaxRetries is 50" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["Consent:ServiceBus:ConnectionName"] = " " }, "Consent:ServiceBus:ConnectionName is empty" },
        { new() { ["ServiceBusConnection"] = ConnectionString, ["Consent:ServiceBus:ConnectionName"] = "OtherBus" }, "The Service Bus connection 'OtherBus' is not configured" },
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

    [Fact]
    public async Task The_trigger_settings_may_agree_in_any_case_and_a_custom_connection_name_works()
    {
        await using var services = Build(new()
        {
            ["Consent:ServiceBus:ConnectionName"] = "OtherBus",
            ["OtherBus:fullyQualifiedNamespace"] = "other.servicebus.windows.net",
            ["ServiceBusTopicName"] = "Consent-Changes",
            ["ServiceBusSubscriptionName"] = "projector",
        });

        AssertValid(services);
        Assert.Equal("other.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddConsentServiceBus(Configuration(settings)).BuildServiceProvider(validateScopes: true);

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    // Reading the options runs their validation; an invalid configuration throws here.
    private static void AssertValid(IServiceProvider services) => Assert.NotNull(services.GetRequiredService<IOptions<ServiceBusOptions>>().Value);
}
