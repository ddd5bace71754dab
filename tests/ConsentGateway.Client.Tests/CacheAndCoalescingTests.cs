using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Client.Tests;

public sealed class CacheAndCoalescingTests
{
    [Fact]
    public async Task The_same_question_within_ttlSeconds_is_answered_from_the_cache()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 5);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();

        var first = await client.EvaluateAsync(TestClient.Question("u1", "ok_a", "b"));
        time.Advance(TimeSpan.FromSeconds(4.9));
        var second = await client.EvaluateAsync(TestClient.Question("u1", "b", "ok_a", "b") with { Id = "again" });

        Assert.Equal(1, handler.CallCount);
        Assert.Equal(first.DecisionId, second.DecisionId);
        Assert.Equal("again", second.Id);
    }

    [Fact]
    public async Task The_same_question_after_ttlSeconds_asks_the_gateway_again()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 5);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();

        var first = await client.EvaluateAsync(TestClient.Question());
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await client.EvaluateAsync(TestClient.Question());

        Assert.Equal(2, handler.CallCount);
        Assert.NotEqual(first.DecisionId, second.DecisionId);
    }

    [Fact]
    public async Task An_answer_with_ttlSeconds_zero_is_not_cached()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 0);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();

        await client.EvaluateAsync(TestClient.Question());
        await client.EvaluateAsync(TestClient.Question());

        Assert.Equal(2, handler.CallCount);
    }

    [Theory]
    [InlineData("partner")]
    [InlineData("via")]
    [InlineData("userId")]
    [InlineData("deviceAdId")]
    [InlineData("data")]
    [InlineData("country")]
    public async Task A_question_differing_in_any_key_field_is_not_answered_from_the_cache(string field)
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 60);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();
        var question = TestClient.Question() with { Via = "v", DeviceAdId = "d" };
        var other = field switch
        {
            "partner" => question with { Partner = "meta" },
            "via" => question with { Via = null },
            "userId" => question with { UserId = "u2" },
            "deviceAdId" => question with { DeviceAdId = "d2" },
            "data" => question with { Data = ["ok_ip_address"] },
            _ => question with { Country = "FR" },
        };

        await client.EvaluateAsync(question);
        await client.EvaluateAsync(other);

        Assert.Equal(2, handler.CallCount);
    }

    [Fact]
    public async Task A_batch_uses_and_fills_the_cache()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 60);
        using var provider = TestClient.Build(handler, time: time);
        var client = provider.Client();

        await client.EvaluateAsync(TestClient.Question("u1"));
        var results = await client.EvaluateBatchAsync([TestClient.Question("u1"), TestClient.Question("u2")]);
        await client.EvaluateAsync(TestClient.Question("u2"));

        Assert.Equal(2, handler.CallCount);
        Assert.Single(System.Text.Json.JsonDocument.Parse(handler.Calls.Last().Body).RootElement.GetProperty("requests").EnumerateArray());
        Assert.Equal(2, results.Count);
    }

    [Fact]
    public async Task Twenty_concurrent_identical_questions_make_one_http_call()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeHandler.EchoingAfter(release.Task);
        using var provider = TestClient.Build(handler, o => o.CacheEnabled = false);
        var client = provider.Client();

        var calls = Enumerable.Range(0, 20).Select(i => client.EvaluateAsync(TestClient.Question() with { Id = $"c{i}" })).ToArray();
        release.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, handler.CallCount);
        Assert.All(results, r => Assert.Equal("partial", r.Decision));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"c{i}"), results.Select(r => r.Id));
        Assert.Single(results.Select(r => r.DecisionId).Distinct());
    }
}
