using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Http;
using ConsentGateway.Infrastructure.Policy;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The Functions app's hot switch as <c>AddConsentFunctions</c> wires it, over a real Azurite blob
/// service: with <c>Consent:Policy:Blob</c> set, a version published to the blob becomes the
/// policy the app answers with (<c>GET /api/v1/policy</c>, readiness), an invalid one is refused
/// and the version in force stays; without the section, the packaged document stays and nothing polls.
/// </summary>
public sealed class PolicyBlobFunctionsTests(AzuriteBlobServer azurite) : IClassFixture<AzuriteBlobServer>, IAsyncLifetime
{
    private const string ProxyKey = "policy-blob-tests-proxy-key";

    private BlobContainerClient _container = null!;

    public async Task InitializeAsync() => _container = await azurite.CreateContainerAsync("policy");

    public Task DisposeAsync() => _container.DeleteIfExistsAsync();

    [Fact]
    public async Task A_version_published_to_the_policy_blob_is_answered_without_a_restart_and_an_invalid_one_is_refused()
    {
        await using var services = Services(BlobSettings());
        var reload = Assert.Single(services.GetServices<IHostedService>().OfType<PolicyReloadService>());
        var policy = services.GetRequiredService<PolicyInForce>();
        await reload.StartAsync(CancellationToken.None);

        await PublishAsync(PolicyDocuments.WithVersion("2026-12-01"));
        await Conditions.WaitUntilAsync(() => policy.Current.Version == "2026-12-01");
        var switched = await PolicyVersionAnsweredAsync(services);
        var healthy = await PolicyHealthAsync(services);

        await PublishAsync(PolicyDocuments.InvalidWithVersion("2026-12-02"));
        await Conditions.WaitUntilAsync(() => policy.Refused is not null);
        var afterRefusal = await PolicyVersionAnsweredAsync(services);
        var degraded = await PolicyHealthAsync(services);
        await reload.StopAsync(CancellationToken.None);

        Assert.Equal("2026-12-01", switched);
        Assert.Equal((HealthStatus.Healthy, "Policy 2026-12-01 is loaded."), (healthy.Status, healthy.Description));
        Assert.Equal("2026-12-01", afterRefusal);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.StartsWith("Policy 2026-12-01 is in force; the document read at", degraded.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_instance_reads_the_policy_blob_before_it_takes_requests()
    {
        await PublishAsync(PolicyDocuments.WithVersion("2026-12-01"));
        await using var services = Services(BlobSettings());

        await services.LoadPolicyAsync();

        // No hosted service started: the first request already gets the published version.
        Assert.Equal("2026-12-01", await PolicyVersionAnsweredAsync(services));
    }

    [Fact]
    public async Task A_new_instance_starts_on_its_packaged_document_when_the_blob_is_missing_and_says_so()
    {
        await using var services = Services(BlobSettings());

        await services.LoadPolicyAsync();

        Assert.Equal(PolicyDocuments.ShippedVersion, await PolicyVersionAnsweredAsync(services));
        var health = await PolicyHealthAsync(services);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains($"its source {_container.Uri}/policy.json cannot be read", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_policy_blob_the_app_answers_its_packaged_document_and_polls_nothing()
    {
        await using var services = Services([]);

        Assert.Empty(services.GetServices<IHostedService>().OfType<PolicyReloadService>());
        Assert.Equal(PolicyDocuments.ShippedVersion, await PolicyVersionAnsweredAsync(services));
    }

    private Dictionary<string, string?> BlobSettings() => new()
    {
        ["Consent:Policy:Blob:ConnectionString"] = azurite.ConnectionString,
        ["Consent:Policy:Blob:ContainerName"] = _container.Name,
        ["Consent:Policy:Blob:PollInterval"] = "00:00:01",
    };

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Consent:Proxies:policy_tests:KeySha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ProxyKey)));
        settings["Consent:Proxies:policy_tests:Partners:0"] = "*";
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(PropagationFunctionsMetadataTests.SampleConfiguration())
            .AddInMemoryCollection(settings)
            .Build();
        return new ServiceCollection().AddLogging().AddMetrics().AddConsentFunctions(configuration).BuildServiceProvider(validateScopes: true);
    }

    // GET /api/v1/policy through the function, as an egress proxy asks it.
    private static async Task<string> PolicyVersionAnsweredAsync(ServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Headers[ConsentHeaders.Key] = ProxyKey;
        using var body = new MemoryStream();
        context.Response.Body = body;
        var functions = ActivatorUtilities.CreateInstance<EvaluationFunctions>(scope.ServiceProvider);

        var result = await functions.GetPolicy(context.Request);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var json = JsonDocument.Parse(body.ToArray());
        return json.RootElement.GetProperty("policyVersion").GetString()!;
    }

    private static async Task<HealthReportEntry> PolicyHealthAsync(ServiceProvider services)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == PolicyHealthCheck.Name);
        return report.Entries[PolicyHealthCheck.Name];
    }

    private async Task PublishAsync(string document) =>
        await _container.GetBlobClient("policy.json").UploadAsync(BinaryData.FromString(document), overwrite: true);
}
