using System.Net;

namespace ConsentGateway.Client.Tests;

/// <summary>A question the gateway refuses as invalid is still a fail-closed deny, but says so: the question is wrong, not the gateway down.</summary>
public sealed class RefusalTests
{
    private const string UnknownDataItem = """{"type":"urn:consent-gateway:problem:unknown-data-item","code":"unknown-data-item"}""";

    [Fact]
    public async Task A_4xx_problem_is_a_deny_that_carries_the_status_and_the_problem_code()
    {
        var handler = new FakeHandler((_, _, _) => Task.FromResult(FakeHandler.Json(UnknownDataItem, HttpStatusCode.BadRequest)));
        using var provider = TestClient.Build(handler);

        var result = await provider.Client().EvaluateAsync(TestClient.Question("u1", "ok_ip_address", "emial"));

        Assert.Equal(new GatewayRefusal(400, "unknown-data-item"), result.GatewayRefusal);
        Assert.Equal(("deny", 0), (result.Decision, result.TtlSeconds));
        Assert.Empty(result.Allowed);
        Assert.True(result.IsGatewayUnavailable);
        Assert.Equal(1, handler.CallCount);
    }

    [Fact]
    public async Task A_4xx_without_a_problem_body_is_a_refusal_without_a_code()
    {
        using var provider = TestClient.Build(new FakeHandler((_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden))));

        var result = await provider.Client().EvaluateAsync(TestClient.Question());

        Assert.Equal(new GatewayRefusal(403, null), result.GatewayRefusal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Transient_answers_are_unavailable_not_refused(HttpStatusCode status)
    {
        using var provider = TestClient.Build(new FakeHandler((_, _, _) => Task.FromResult(FakeHandler.Json(UnknownDataItem, status))), o => o.Retries = 0);

        var result = await provider.Client().EvaluateAsync(TestClient.Question());

        Assert.True(result.IsGatewayUnavailable);
        Assert.Null(result.GatewayRefusal);
    }

    [Fact]
    public async Task A_refused_batch_refuses_every_question_with_the_code()
    {
        using var provider = TestClient.Build(new FakeHandler((_, _, _) => Task.FromResult(FakeHandler.Json(UnknownDataItem, HttpStatusCode.BadRequest))));

        var results = await provider.Client().EvaluateBatchAsync([TestClient.Question("u1", "ok_a") with { Id = "q1" }, TestClient.Question("u2", "b")]);

        Assert.Equal(["q1", null], results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal(new GatewayRefusal(400, "unknown-data-item"), r.GatewayRefusal));
    }

    [Fact]
    public async Task A_refusal_is_not_cached()
    {
        var handler = new FakeHandler((_, _, _) => Task.FromResult(FakeHandler.Json(UnknownDataItem, HttpStatusCode.BadRequest)));
        using var provider = TestClient.Build(handler);

        await provider.Client().EvaluateAsync(TestClient.Question());
        await provider.Client().EvaluateAsync(TestClient.Question());

        Assert.Equal(2, handler.CallCount);
    }
}
