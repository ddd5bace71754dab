using Azure.Identity;
using Azure.Storage.Blobs;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.Policy;
using ConsentGateway.Testing;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests.Policy;

/// <summary><c>AddConsentPolicyBlob</c>: off without its section, validated at start, identity-based in Azure, and a hosted poll that a missing store never stops.</summary>
[Collection(SharedAzuriteBlob.Name)]
public sealed class PolicyBlobRegistrationTests(AzuriteBlobServer azurite)
{
    private const string ClientId = "00000000-0000-0000-0000-000000000001";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public void Without_the_section_the_host_keeps_its_packaged_policy_and_polls_nothing()
    {
        using var host = BuildHost([]);

        Assert.Null(host.Services.GetService<PolicyWatch>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), service => service is PolicyReloadService);
    }

    [Theory]
    [InlineData("PollInterval", "00:00:00.500", "Consent:Policy:Blob:PollInterval")]
    [InlineData("PollInterval", "01:00:00", "Consent:Policy:Blob:PollInterval")]
    [InlineData("ServiceUri", "http://example.blob.core.windows.net/", "Consent:Policy:Blob:ServiceUri")]
    [InlineData("ConnectionString", "not a connection string", "Consent:Policy:Blob:ConnectionString")]
    [InlineData("ContainerName", "Policy_Container", "Consent:Policy:Blob:ContainerName")]
    [InlineData("BlobName", "", "Consent:Policy:Blob:BlobName")]
    public async Task A_bad_setting_stops_the_start_naming_it(string setting, string value, string named)
    {
        var settings = Settings(("ConnectionString", azurite.ConnectionString));
        settings[$"Consent:Policy:Blob:{setting}"] = value;
        using var host = BuildHost(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_section_without_a_store_stops_the_start_naming_both_ways_to_give_one()
    {
        using var host = BuildHost(Settings(("BlobName", "policy.json")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Consent:Policy:Blob:ServiceUri (identity-based) or Consent:Policy:Blob:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_azure_the_blob_is_read_with_the_managed_identity_the_section_names()
    {
        using var host = BuildHost(Settings(("ServiceUri", "https://example.blob.core.windows.net/"), ("credential", "managedidentity"), ("clientId", ClientId), ("ContainerName", "policy"), ("BlobName", "policy.json")));

        var watch = host.Services.GetRequiredService<PolicyWatch>();
        var section = host.Services.GetRequiredService<IConfiguration>().GetSection(PolicyBlobOptions.SectionName);

        Assert.Equal(("https://example.blob.core.windows.net/policy/policy.json", TimeSpan.FromSeconds(5)), (watch.Source.Name, watch.Interval));
        Assert.Equal("example", host.Services.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient(PolicyBlobServiceCollectionExtensions.ClientName).AccountName);
        Assert.IsType<ManagedIdentityCredential>(host.Services.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section));
    }

    [Fact]
    public async Task A_store_that_does_not_answer_keeps_the_policy_in_force_shows_it_and_never_stops_the_host()
    {
        var closedPort = ChildProcess.FreeLoopbackPort();
        var connectionString = azurite.ConnectionString.Replace(BlobEndpointOf(azurite.ConnectionString), $"http://127.0.0.1:{closedPort}/{AzuriteProcess.AccountName}", StringComparison.Ordinal);
        using var host = BuildHost(Settings(("ConnectionString", connectionString), ("PollInterval", "00:00:01")));
        var policy = host.Services.GetRequiredService<PolicyInForce>();
        var before = policy.Current;

        await host.StartAsync(Ct);
        await Conditions.WaitUntilAsync(() => policy.Unreadable is not null);

        Assert.Same(before, policy.Current);
        Assert.Contains("could not be reached", policy.Unreadable!.Reason, StringComparison.Ordinal);
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task The_hosted_poll_switches_to_a_version_published_after_the_start()
    {
        var container = await azurite.CreateContainerAsync("policy", Ct);
        using var host = BuildHost(Settings(("ConnectionString", azurite.ConnectionString), ("ContainerName", container.Name), ("PollInterval", "00:00:01")));
        var policy = host.Services.GetRequiredService<PolicyInForce>();
        await host.StartAsync(Ct);

        await container.GetBlobClient("policy.json").UploadAsync(BinaryData.FromString(PolicyDocuments.WithVersion("2026-12-01")), overwrite: true, Ct);
        await Conditions.WaitUntilAsync(() => policy.Current.Version == "2026-12-01");

        Assert.Null(policy.Unreadable);
        await host.StopAsync(Ct);
        await container.DeleteAsync(cancellationToken: Ct);
    }

    private static string BlobEndpointOf(string connectionString) =>
        connectionString.Split(';').Single(part => part.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..];

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] settings) =>
        settings.ToDictionary(setting => $"Consent:Policy:Blob:{setting.Key}", setting => (string?)setting.Value);

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMetrics().AddConsentCore(builder.Configuration).AddConsentPolicyBlob(builder.Configuration);
        return builder.Build();
    }
}
