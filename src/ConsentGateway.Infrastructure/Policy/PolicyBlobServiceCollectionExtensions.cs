using Azure.Core;
using Azure.Storage.Blobs;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.Policy;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class PolicyBlobServiceCollectionExtensions
{
    /// <summary>The name of the blob client the policy source uses (the app may have other blob clients).</summary>
    public const string ClientName = "Policy";

    /// <summary>
    /// The Functions app's hot switch: while the section <c>Consent:Policy:Blob</c> exists, the
    /// policy blob it names (<see cref="PolicyBlobOptions"/>, validated at start) is polled by ETag
    /// every <see cref="PolicyBlobOptions.PollInterval"/> through <see cref="PolicyReloadService"/>;
    /// without it the packaged document stays, as before. One <see cref="BlobServiceClient"/>
    /// through <c>Microsoft.Extensions.Azure</c>, identity-based in Azure.
    /// </summary>
    public static IServiceCollection AddConsentPolicyBlob(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(PolicyBlobOptions.SectionName);
        if (!section.Exists())
        {
            return services;
        }

        services.AddOptions<PolicyBlobOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolicyBlobOptions>, PolicyBlobOptionsValidator>());
        services.AddAzureClients(clients => clients
            .AddClient<BlobServiceClient, BlobClientOptions>((clientOptions, credential, provider) =>
            {
                var blob = provider.GetRequiredService<IOptions<PolicyBlobOptions>>().Value;
                return blob.ServiceUri is { } serviceUri
                    ? new BlobServiceClient(serviceUri, credential, clientOptions)
                    : new BlobServiceClient(blob.ConnectionString, clientOptions);
            })
            .WithName(ClientName)
            .WithCredential(provider => provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section))
            .ConfigureOptions(clientOptions =>
            {
                // A failed poll is retried by the next one: three short tries (about 15 s at worst, also the
                // longest the first read can hold a start), not the SDK's minutes.
                clientOptions.Retry.Mode = RetryMode.Fixed;
                clientOptions.Retry.MaxRetries = 2;
                clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
                clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);

                // Every instance asks every few seconds: a log line and a dependency span per HEAD would be noise.
                clientOptions.Diagnostics.IsLoggingEnabled = false;
                clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
            }));

        return services.AddPolicyReload(provider =>
        {
            var blob = provider.GetRequiredService<IOptions<PolicyBlobOptions>>().Value;
            var client = provider.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient(ClientName);
            return new PolicyWatch(new BlobPolicySource(client.GetBlobContainerClient(blob.ContainerName).GetBlobClient(blob.BlobName)), blob.PollInterval);
        });
    }
}
