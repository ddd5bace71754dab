using System.Text.Json;

namespace ConsentGateway.Client.Tests;

public sealed class EvaluateTests
{
    private const string PartialAnswer = """
        {"decision":"partial","allowed":["ip_address"],"denied":[{"data":"email","reason":"NEVER_SHARED_DATA"}],
         "reasons":["SETTING_ENABLED","NEVER_SHARED_DATA"],"partnership":"google-ads","policyVersion":"2026-03-01",
         "consentVersion":7,"decisionId":"01936b2e-1e5f-7c3a-9b1d-2f4e6a8c0d12","ttlSeconds":1}
        """;

    [Fact]
    public async Task A_good_answer_is_mapped_exactly()
    {
        using var provider = TestClient.Build(FakeHandler.Answering(PartialAnswer));
        var question = TestClient.Question("u1", "ip_address", "email") with { Id = "caller-1" };

        var result = await provider.Client().EvaluateAsync(question);

        Assert.Equal("partial", result.Decision);
        Assert.Equal(["ip_address"], result.Allowed);
        Assert.Equal([new ConsentDenial("email", "NEVER_SHARED_DATA")], result.Denied);
        Assert.Equal(["SETTING_ENABLED", "NEVER_SHARED_DATA"], result.Reasons);
        Assert.Equal("google-ads", result.Partnership);
        Assert.Equal("2026-03-01", result.PolicyVersion);
        Assert.Equal(7, result.ConsentVersion);
        Assert.Equal(Guid.Parse("01936b2e-1e5f-7c3a-9b1d-2f4e6a8c0d12"), result.DecisionId);
        Assert.Equal(1, result.TtlSeconds);
        Assert.Equal("caller-1", result.Id);
        Assert.False(result.IsGatewayUnavailable);
        Assert.True(result.IsAllowed("ip_address"));
        Assert.False(result.IsAllowed("email"));
    }

    [Fact]
    public async Task The_question_is_posted_to_evaluate_with_the_key_header_and_the_wire_fields()
    {
        var handler = FakeHandler.Answering(PartialAnswer);
        using var provider = TestClient.Build(handler);
        var question = new ConsentQuestion
        {
            Partner = "google",
            Via = "agency",
            UserId = "u1",
            DeviceAdId = "dev-1",
            Data = ["ip_address", "email"],
            Country = "DE",
        };

        await provider.Client().EvaluateAsync(question);

        var (request, body) = Assert.Single(handler.Calls);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://gateway.test/api/v1/evaluate", request.RequestUri!.ToString());
        Assert.Equal([TestClient.Key], request.Headers.GetValues("X-Consent-Key"));
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("google", root.GetProperty("partner").GetString());
        Assert.Equal("agency", root.GetProperty("via").GetString());
        Assert.Equal("u1", root.GetProperty("subject").GetProperty("userId").GetString());
        Assert.Equal("dev-1", root.GetProperty("subject").GetProperty("deviceAdId").GetString());
        Assert.Equal(["ip_address", "email"], root.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("DE", root.GetProperty("country").GetString());
    }

    [Fact]
    public async Task A_batch_is_posted_once_to_evaluate_batch_and_results_come_back_in_order_with_their_ids()
    {
        var handler = FakeHandler.Echoing(ttlSeconds: 0);
        using var provider = TestClient.Build(handler);
        ConsentQuestion[] questions =
        [
            TestClient.Question("u1", "ok_a", "b") with { Id = "first" },
            TestClient.Question("u2", "c") with { Id = "second" },
            TestClient.Question("u3", "ok_d"),
        ];

        var results = await provider.Client().EvaluateBatchAsync(questions);

        var (request, body) = Assert.Single(handler.Calls);
        Assert.Equal("/api/v1/evaluate/batch", request.RequestUri!.AbsolutePath);
        Assert.Equal([TestClient.Key], request.Headers.GetValues("X-Consent-Key"));
        Assert.Equal(3, JsonDocument.Parse(body).RootElement.GetProperty("requests").GetArrayLength());
        Assert.Equal(["partial", "deny", "allow"], results.Select(r => r.Decision));
        Assert.Equal(["first", "second", null], results.Select(r => r.Id));
        Assert.Equal(["ok_d"], results[2].Allowed);
    }

    [Fact]
    public async Task An_empty_batch_makes_no_call()
    {
        var handler = FakeHandler.Echoing(ttlSeconds: 5);
        using var provider = TestClient.Build(handler);

        var results = await provider.Client().EvaluateBatchAsync([]);

        Assert.Empty(results);
        Assert.Equal(0, handler.CallCount);
    }

    [Fact]
    public async Task A_question_without_any_subject_id_is_denied_without_a_call()
    {
        var handler = FakeHandler.Echoing(ttlSeconds: 5);
        using var provider = TestClient.Build(handler);

        var result = await provider.Client().EvaluateAsync(TestClient.Question() with { UserId = null });

        Assert.True(result.IsGatewayUnavailable);
        Assert.Equal(0, handler.CallCount);
    }
}
