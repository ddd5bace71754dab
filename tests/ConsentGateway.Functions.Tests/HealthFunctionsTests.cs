using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.Functions.Tests;

/// <summary>The Functions app's health: live while the worker answers, ready only while its decision cache follows the change log.</summary>
public sealed class HealthFunctionsTests
{
    [Fact]
    public async Task Ready_answers_503_until_the_change_log_watch_has_read_and_200_while_it_keeps_up()
    {
        using var services = new ServiceCollection().AddLogging().AddConsentFunctions(PropagationFunctionsMetadataTests.SampleConfiguration()).BuildServiceProvider();
        var health = ActivatorUtilities.CreateInstance<HealthFunctions>(services);
        var request = new DefaultHttpContext { RequestServices = services }.Request;

        var beforeWatch = (ContentResult)await health.HealthReady(request);
        services.GetRequiredService<SubjectCache>().ChangesWatchedThrough(TimeProvider.System.GetTimestamp());
        var watched = (ContentResult)await health.HealthReady(request);
        var live = (ContentResult)health.HealthLive(request);

        Assert.Equal((StatusCodes.Status503ServiceUnavailable, "Unhealthy"), (beforeWatch.StatusCode, beforeWatch.Content));
        Assert.Equal((StatusCodes.Status200OK, "Healthy"), (watched.StatusCode, watched.Content));
        Assert.Equal((StatusCodes.Status200OK, "Healthy"), (live.StatusCode, live.Content));
    }
}
