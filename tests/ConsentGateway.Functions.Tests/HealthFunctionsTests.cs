using System.Text.Json;
using System.Text.RegularExpressions;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The Functions app's health: live while the worker answers; ready only while the policy is
/// loaded, the store answers a read and the decision cache follows the change log, each check
/// named in the JSON answer.
/// </summary>
public sealed class HealthFunctionsTests : IAsyncLifetime
{
    private readonly AzuriteServer _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task Ready_answers_503_until_the_change_log_watch_has_read_and_200_while_it_keeps_up()
    {
        using var services = Services(_azurite.ConnectionString);
        var health = ActivatorUtilities.CreateInstance<HealthFunctions>(services);
        var request = new DefaultHttpContext { RequestServices = services }.Request;

        var beforeWatch = Answer(await health.HealthReady(request));
        services.GetRequiredService<SubjectCache>().ChangesWatchedThrough(TimeProvider.System.GetTimestamp());
        var watched = Answer(await health.HealthReady(request));
        var live = Answer(await health.HealthLive(request));

        Assert.Equal((StatusCodes.Status503ServiceUnavailable, "Unhealthy"), (beforeWatch.Status, beforeWatch.Overall));
        Assert.Equal("Unhealthy", beforeWatch.Checks["decision-cache"]);
        Assert.Equal((StatusCodes.Status200OK, "Healthy"), (watched.Status, watched.Overall));
        Assert.Equal(["decision-cache", "policy", "store"], watched.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((StatusCodes.Status200OK, "Healthy"), (live.Status, live.Overall));
    }

    [Fact]
    public async Task Ready_answers_503_naming_the_store_when_it_does_not_answer()
    {
        var closedPort = ChildProcess.FreeLoopbackPort();
        using var services = Services(Regex.Replace(_azurite.ConnectionString, @"127\.0\.0\.1:\d+", FormattableString.Invariant($"127.0.0.1:{closedPort}")));
        var health = ActivatorUtilities.CreateInstance<HealthFunctions>(services);
        var request = new DefaultHttpContext { RequestServices = services }.Request;
        services.GetRequiredService<SubjectCache>().ChangesWatchedThrough(TimeProvider.System.GetTimestamp());

        var ready = Answer(await health.HealthReady(request));

        Assert.Equal((StatusCodes.Status503ServiceUnavailable, "Unhealthy"), (ready.Status, ready.Overall));
        Assert.Equal(("Unhealthy", "Healthy", "Healthy"), (ready.Checks["store"], ready.Checks["policy"], ready.Checks["decision-cache"]));
    }

    private static ServiceProvider Services(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(PropagationFunctionsMetadataTests.SampleConfiguration())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Consent:Storage:ConnectionString"] = connectionString,
                ["Consent:Storage:ProjectionsTable"] = AzuriteServer.UniqueTableName("projections"),

                // A loaded Azurite's read may be slower than the 100 ms default.
                ["Consent:Evaluation:StoreTimeout"] = "00:00:02",
            })
            .Build();
        return new ServiceCollection().AddLogging().AddConsentFunctions(configuration).BuildServiceProvider();
    }

    private static (int? Status, string Overall, Dictionary<string, string> Checks) Answer(IActionResult result)
    {
        var content = Assert.IsType<ContentResult>(result);
        Assert.StartsWith("application/json", content.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(content.Content!);
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!);
        return (content.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks);
    }
}
