using System.Net;
using System.Text;

namespace ConsentGateway.Client.Tests;

public sealed class FailClosedTests
{
    private static async Task AssertEveryItemDeniedAsUnavailable(FakeHandler handler, Action<ConsentGatewayClientOptions>? tweak = null)
    {
        using var provider = TestClient.Build(handler, tweak);
        var question = TestClient.Question("u1", "ok_ip_address", "email", "ok_mobile_ad_id");

        var result = await provider.Client().EvaluateAsync(question);

        Assert.Equal("deny", result.Decision);
        Assert.Empty(result.Allowed);
        Assert.Equal(["ok_ip_address", "email", "ok_mobile_ad_id"], result.Denied.Select(d => d.Data));
        Assert.All(result.Denied, d => Assert.Equal("GATEWAY_UNAVAILABLE", d.Reason));
        Assert.Equal(["GATEWAY_UNAVAILABLE"], result.Reasons);
        Assert.Equal(0, result.TtlSeconds);
        Assert.True(result.IsGatewayUnavailable);
    }

    [Fact]
    public Task A_gateway_that_does_not_answer_within_the_timeout_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(
            new FakeHandler(async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return FakeHandler.Json("{}");
            }),
            options => options.Timeout = TimeSpan.FromMilliseconds(50));

    [Fact]
    public Task A_5xx_answer_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(new FakeHandler((_, _, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))));

    [Fact]
    public Task A_4xx_problem_answer_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(new FakeHandler((_, _, _) =>
            Task.FromResult(FakeHandler.Json("""{"type":"x","code":"missing-partner"}""", HttpStatusCode.BadRequest))));

    [Fact]
    public Task A_refused_connection_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(new FakeHandler((_, _, _) =>
            throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111))));

    [Fact]
    public Task Malformed_json_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(FakeHandler.Answering("""{"decision":"allow","allowed":["ok_ip_add"""));

    [Fact]
    public Task Json_of_the_wrong_shape_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(FakeHandler.Answering("""{"hello":"world"}"""));

    [Fact]
    public Task An_unknown_decision_value_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(FakeHandler.Answering(
            """{"decision":"maybe","allowed":[],"denied":[],"reasons":[],"partnership":null,"policyVersion":"p","consentVersion":null,"decisionId":null,"ttlSeconds":5}"""));

    [Fact]
    public Task An_answer_allowing_an_item_that_was_not_asked_about_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(FakeHandler.Answering(
            """{"decision":"allow","allowed":["ok_ip_address","email","ok_mobile_ad_id","phone"],"denied":[],"reasons":["SETTING_ENABLED"],"partnership":"g","policyVersion":"p","consentVersion":1,"decisionId":null,"ttlSeconds":5}"""));

    [Fact]
    public Task An_answer_that_leaves_an_asked_item_out_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(FakeHandler.Answering(
            """{"decision":"allow","allowed":["ok_ip_address"],"denied":[],"reasons":["SETTING_ENABLED"],"partnership":"g","policyVersion":"p","consentVersion":1,"decisionId":null,"ttlSeconds":5}"""));

    [Fact]
    public Task A_non_json_content_type_gives_deny_gateway_unavailable() =>
        AssertEveryItemDeniedAsUnavailable(new FakeHandler((_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("<html>login</html>", Encoding.UTF8, "text/html"),
        })));

    [Fact]
    public async Task A_failed_batch_denies_every_item_of_every_question_as_gateway_unavailable()
    {
        var handler = new FakeHandler((_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)));
        using var provider = TestClient.Build(handler, o => o.Retries = 0);
        ConsentQuestion[] questions = [TestClient.Question("u1", "ok_a", "b") with { Id = "q1" }, TestClient.Question("u2", "ok_c")];

        var results = await provider.Client().EvaluateBatchAsync(questions);

        Assert.Equal(2, results.Count);
        Assert.Equal("q1", results[0].Id);
        Assert.Equal(["ok_a", "b"], results[0].Denied.Select(d => d.Data));
        Assert.Equal(["ok_c"], results[1].Denied.Select(d => d.Data));
        Assert.All(results.SelectMany(r => r.Denied), d => Assert.Equal("GATEWAY_UNAVAILABLE", d.Reason));
        Assert.All(results, r => Assert.Empty(r.Allowed));
    }

    [Fact]
    public async Task A_batch_answer_with_a_different_number_of_results_denies_everything()
    {
        using var provider = TestClient.Build(FakeHandler.Answering("""{"results":[]}"""));

        var results = await provider.Client().EvaluateBatchAsync([TestClient.Question("u1", "ok_a")]);

        Assert.True(Assert.Single(results).IsGatewayUnavailable);
    }

    [Fact]
    public async Task A_gateway_unavailable_answer_is_not_cached()
    {
        var handler = new FakeHandler((_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)));
        using var provider = TestClient.Build(handler, o => o.Retries = 0);

        await provider.Client().EvaluateAsync(TestClient.Question());
        await provider.Client().EvaluateAsync(TestClient.Question());

        Assert.Equal(2, handler.CallCount);
    }

    [Fact]
    public async Task Cancelling_with_the_callers_own_token_throws_operation_canceled()
    {
        var handler = new FakeHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return FakeHandler.Json("{}");
        });
        // A short gateway timeout only so that disposing the provider need not wait for the shared call.
        using var provider = TestClient.Build(handler, o => o.Timeout = TimeSpan.FromMilliseconds(100));
        using var cancellation = new CancellationTokenSource();

        var call = provider.Client().EvaluateAsync(TestClient.Question(), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task Once_the_circuit_is_open_calls_are_denied_as_gateway_unavailable_without_reaching_the_gateway()
    {
        var handler = new FakeHandler((_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)));
        using var provider = TestClient.Build(handler, o =>
        {
            o.Retries = 0;
            o.CacheEnabled = false;
        });
        var client = provider.Client();
        for (var i = 0; i < 20; i++)
        {
            await client.EvaluateAsync(TestClient.Question($"u{i}"));
        }

        var callsBefore = handler.CallCount;
        var result = await client.EvaluateAsync(TestClient.Question("after"));

        Assert.Equal(20, callsBefore);
        Assert.Equal(callsBefore, handler.CallCount);
        Assert.True(result.IsGatewayUnavailable);
        Assert.All(result.Denied, d => Assert.Equal("GATEWAY_UNAVAILABLE", d.Reason));
    }
}
