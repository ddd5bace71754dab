using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Client.Tests;

public sealed class MicroBatchingTests
{
    [Fact]
    public async Task Single_calls_within_the_max_delay_are_sent_as_one_batch_and_each_gets_its_own_result()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 0);
        using var provider = TestClient.Build(handler, o =>
        {
            o.MicroBatchingEnabled = true;
            o.MicroBatchMaxSize = 50;
            o.MicroBatchMaxDelay = TimeSpan.FromMilliseconds(5);
        }, time);
        var client = provider.Client();

        var first = client.EvaluateAsync(TestClient.Question("u1", "ok_a") with { Id = "one" });
        var second = client.EvaluateAsync(TestClient.Question("u2", "b"));
        var third = client.EvaluateAsync(TestClient.Question("u3", "ok_c", "d") with { Id = "three" });
        Assert.Equal(0, handler.CallCount);
        time.Advance(TimeSpan.FromMilliseconds(5));
        var results = await Task.WhenAll(first, second, third);

        var (request, body) = Assert.Single(handler.Calls);
        Assert.Equal("/api/v1/evaluate/batch", request.RequestUri!.AbsolutePath);
        Assert.Equal(
            ["u1", "u2", "u3"],
            JsonDocument.Parse(body).RootElement.GetProperty("requests").EnumerateArray()
                .Select(r => r.GetProperty("subject").GetProperty("userId").GetString()));
        Assert.Equal(["allow", "deny", "partial"], results.Select(r => r.Decision));
        Assert.Equal(["ok_a"], results[0].Allowed);
        Assert.Equal(["b"], results[1].Denied.Select(d => d.Data));
        Assert.Equal(["ok_c"], results[2].Allowed);
        Assert.Equal(["one", null, "three"], results.Select(r => r.Id));
    }

    [Fact]
    public async Task A_micro_batch_is_sent_as_soon_as_it_reaches_the_max_size()
    {
        var time = new FakeTimeProvider();
        var handler = FakeHandler.Echoing(ttlSeconds: 0);
        using var provider = TestClient.Build(handler, o =>
        {
            o.MicroBatchingEnabled = true;
            o.MicroBatchMaxSize = 2;
            o.MicroBatchMaxDelay = TimeSpan.FromSeconds(1);
        }, time);
        var client = provider.Client();

        var results = await Task.WhenAll(
            client.EvaluateAsync(TestClient.Question("u1", "ok_a")),
            client.EvaluateAsync(TestClient.Question("u2", "ok_b")));

        Assert.Single(handler.Calls);
        Assert.Equal([["ok_a"], ["ok_b"]], results.Select(r => r.Allowed));
    }

    [Fact]
    public async Task A_failed_micro_batch_denies_every_waiting_call_as_gateway_unavailable()
    {
        var time = new FakeTimeProvider();
        var handler = new FakeHandler((_, _, _) => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)));
        using var provider = TestClient.Build(handler, o =>
        {
            o.Retries = 0;
            o.MicroBatchingEnabled = true;
            o.MicroBatchMaxSize = 2;
        }, time);
        var client = provider.Client();

        var results = await Task.WhenAll(
            client.EvaluateAsync(TestClient.Question("u1", "ok_a")),
            client.EvaluateAsync(TestClient.Question("u2", "ok_b")));

        Assert.All(results, r => Assert.True(r.IsGatewayUnavailable));
        Assert.Equal([["ok_a"], ["ok_b"]], results.Select(r => r.Denied.Select(d => d.Data)));
    }
}
