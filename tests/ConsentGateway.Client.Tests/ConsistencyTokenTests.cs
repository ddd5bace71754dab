using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Client.Tests;

/// <summary>A question's consistency token (read-your-writes): passed through as asked, never answered from before its write.</summary>
public sealed class ConsistencyTokenTests
{
    private const string Forged = """{"type":"urn:consent-gateway:problem:forged-consistency-token","code":"forged-consistency-token"}""";

    [Fact]
    public async Task A_token_is_posted_as_consistency_at_least_as_fresh_and_a_question_without_one_posts_none()
    {
        var handler = FakeHandler.Echoing(ttlSeconds: 0);
        using var provider = TestClient.Build(handler);

        await provider.Client().EvaluateAsync(TestClient.Question("u1") with { AtLeastAsFresh = "ct1.token-1" });
        await provider.Client().EvaluateAsync(TestClient.Question("u2"));

        var bodies = handler.Calls.Select(call => JsonNode.Parse(call.Body)!.AsObject()).ToList();
        Assert.Equal("ct1.token-1", bodies[0]["consistency"]!["atLeastAsFresh"]!.GetValue<string>());
        Assert.False(bodies[1].ContainsKey("consistency"));
    }

    [Fact]
    public async Task A_question_with_a_token_is_not_answered_from_the_cache_and_its_answer_replaces_the_kept_one()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 60);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();

        var before = await client.EvaluateAsync(TestClient.Question());
        var fresh = await client.EvaluateAsync(TestClient.Question() with { AtLeastAsFresh = "ct1.after-the-write" });
        var after = await client.EvaluateAsync(TestClient.Question());

        Assert.Equal(2, handler.CallCount);
        Assert.NotEqual(before.DecisionId, fresh.DecisionId);
        Assert.Equal(fresh.DecisionId, after.DecisionId);
    }

    [Fact]
    public async Task A_batch_asks_the_gateway_for_a_question_with_a_token_even_when_the_cache_has_it()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 60);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();

        await client.EvaluateAsync(TestClient.Question("u1"));
        await client.EvaluateAsync(TestClient.Question("u2"));
        await client.EvaluateBatchAsync([TestClient.Question("u1"), TestClient.Question("u2") with { AtLeastAsFresh = "ct1.t" }]);

        var requests = JsonNode.Parse(handler.Calls.Last().Body)!["requests"]!.AsArray();
        var asked = Assert.Single(requests)!;
        Assert.Equal(("u2", "ct1.t"), (asked["subject"]!["userId"]!.GetValue<string>(), asked["consistency"]!["atLeastAsFresh"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_question_with_a_token_shares_a_call_in_flight_only_with_the_same_token()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeHandler.EchoingAfter(release.Task);
        using var provider = TestClient.Build(handler, o => o.CacheEnabled = false);
        var client = provider.Client();

        var calls = new[] { null, "ct1.a", "ct1.a", "ct1.b", null }
            .Select(token => client.EvaluateAsync(TestClient.Question() with { AtLeastAsFresh = token }))
            .ToArray();
        release.SetResult();
        await Task.WhenAll(calls);

        var tokens = handler.Calls.Select(call => JsonNode.Parse(call.Body)!["consistency"]?["atLeastAsFresh"]?.GetValue<string>()).Order();
        Assert.Equal([null, "ct1.a", "ct1.b"], tokens);
    }

    [Fact]
    public async Task Micro_batched_questions_keep_their_own_tokens()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 0);
        using var provider = TestClient.Build(handler, MicroBatching, time);
        var client = provider.Client();

        var calls = new[]
        {
            client.EvaluateAsync(TestClient.Question("u1", "ok_a") with { AtLeastAsFresh = "ct1.one" }),
            client.EvaluateAsync(TestClient.Question("u2", "ok_a")),
            client.EvaluateAsync(TestClient.Question("u3", "ok_a") with { AtLeastAsFresh = "ct1.three" }),
        };
        time.Advance(TimeSpan.FromMilliseconds(5));
        await Task.WhenAll(calls);

        var (request, body) = Assert.Single(handler.Calls);
        Assert.EndsWith("/batch", request.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(
            ["ct1.one", null, "ct1.three"],
            JsonDocument.Parse(body).RootElement.GetProperty("requests").EnumerateArray()
                .Select(r => r.TryGetProperty("consistency", out var c) ? c.GetProperty("atLeastAsFresh").GetString() : null));
    }

    [Fact]
    public async Task A_micro_batch_refused_for_one_caller_s_token_is_asked_again_one_by_one_and_only_that_caller_is_refused()
    {
        var time = new FakeTimeProvider();
        var echo = FakeHandler.Echoing(ttlSeconds: 0);
        using var invoker = new HttpMessageInvoker(echo);
        // As the gateway does: any request with the bad token refuses the whole call.
        var handler = new FakeHandler(async (request, body, ct) =>
        {
            if (body.Contains("ct1.forged", StringComparison.Ordinal))
            {
                return FakeHandler.Json(Forged, HttpStatusCode.BadRequest);
            }

            using var forwarded = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new StringContent(body) };
            return await invoker.SendAsync(forwarded, ct);
        });
        using var provider = TestClient.Build(handler, MicroBatching, time);
        var client = provider.Client();

        var calls = new[]
        {
            client.EvaluateAsync(TestClient.Question("u1", "ok_a")),
            client.EvaluateAsync(TestClient.Question("u2", "ok_a") with { AtLeastAsFresh = "ct1.forged" }),
            client.EvaluateAsync(TestClient.Question("u3", "ok_a") with { AtLeastAsFresh = "ct1.good" }),
        };
        time.Advance(TimeSpan.FromMilliseconds(5));
        var results = await Task.WhenAll(calls);

        Assert.Equal([null, new GatewayRefusal(400, "forged-consistency-token"), null], results.Select(r => r.GatewayRefusal));
        Assert.Equal(["allow", "deny", "allow"], results.Select(r => r.Decision));
        // The batch, then each question alone.
        Assert.Equal(["/api/v1/evaluate/batch", "/api/v1/evaluate", "/api/v1/evaluate", "/api/v1/evaluate"], handler.Calls.Select(c => c.Request.RequestUri!.AbsolutePath));
    }

    [Fact]
    public async Task A_micro_batch_refused_for_the_proxy_key_is_not_asked_again()
    {
        var time = new FakeTimeProvider();
        var handler = new FakeHandler((_, _, _) => Task.FromResult(FakeHandler.Json("""{"code":"proxy-unauthorized"}""", HttpStatusCode.Unauthorized)));
        using var provider = TestClient.Build(handler, MicroBatching, time);
        var client = provider.Client();

        var calls = new[] { client.EvaluateAsync(TestClient.Question("u1")), client.EvaluateAsync(TestClient.Question("u2")) };
        time.Advance(TimeSpan.FromMilliseconds(5));
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, handler.CallCount);
        Assert.All(results, r => Assert.Equal(new GatewayRefusal(401, "proxy-unauthorized"), r.GatewayRefusal));
    }

    private static void MicroBatching(ConsentGatewayClientOptions options)
    {
        options.MicroBatchingEnabled = true;
        options.MicroBatchMaxSize = 50;
        options.MicroBatchMaxDelay = TimeSpan.FromMilliseconds(5);
    }
}
