using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Changes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static ConsentGateway.EndToEnd.Tests.Evaluation.EvaluationApi;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>
/// Read-your-writes on the wire (SPEC §4): every accepted write answers a consistency token of the
/// version it gave its subject, and the three evaluation endpoints take one back; a token that is
/// not one, or not this gateway's, is a 400 problem.
/// </summary>
public class ConsistencyTokenApiTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Fact]
    public async Task Every_accepted_write_answers_the_token_of_the_version_it_gave_its_subject()
    {
        var userId = "u-" + Guid.NewGuid().ToString("N");
        var otherId = await server.CreateAccountAsync();
        var adId = Guid.NewGuid().ToString();
        using var service = server.AccountService();
        using var user = server.User(userId);

        var created = await BodyTokenAsync(await service.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""")));
        var same = await BodyTokenAsync(await service.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""")));
        var moved = await BodyTokenAsync(await service.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"FR","signedUpAt":"2021-03-01T00:00:00Z"}""")));
        var granted = await BodyTokenAsync(await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}""")));
        var withdrawn = await BodyTokenAsync(await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":false}""")));
        var registered = await BodyTokenAsync(await service.PutAsync($"/api/v1/devices/{adId}", null));
        var linked = await BodyTokenAsync(await user.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null));
        var linkedOther = await BodyTokenAsync(await service.PutAsync($"/api/v1/devices/{adId}/accounts/{otherId}", null));
        var linkedAgain = await BodyTokenAsync(await user.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null));
        using var deletion = await service.DeleteAsync($"/api/v1/accounts/{userId}");
        Assert.Equal(HttpStatusCode.NoContent, deletion.StatusCode);
        var deleted = Assert.Single(deletion.Headers.GetValues(ConsentHeaders.ConsistencyToken));

        Assert.Equal(new SubjectVersion(1, 0), Demand(created, SubjectKind.Account, userId));
        Assert.Equal(new SubjectVersion(1, 0), Demand(same, SubjectKind.Account, userId));
        Assert.Equal(new SubjectVersion(2, 0), Demand(moved, SubjectKind.Account, userId));
        Assert.Equal(new SubjectVersion(0, 1), Demand(granted, SubjectKind.Account, userId));
        Assert.Equal(new SubjectVersion(0, 2), Demand(withdrawn, SubjectKind.Account, userId));
        Assert.Equal(SubjectVersion.OfDevice(0), Demand(registered, SubjectKind.Device, adId));
        Assert.Equal(SubjectVersion.OfDevice(1), Demand(linked, SubjectKind.Device, adId));
        Assert.Equal(SubjectVersion.OfDevice(2), Demand(linkedOther, SubjectKind.Device, adId));
        Assert.Equal(SubjectVersion.OfDevice(2), Demand(linkedAgain, SubjectKind.Device, adId));
        Assert.Equal(new SubjectVersion(3, 0), Demand(deleted, SubjectKind.Account, userId));

        // Each token is about its subject only, and holds none of the ids.
        Assert.Null(Read(moved).DemandFor(SubjectKind.Account, otherId));
        Assert.Null(Read(linked).DemandFor(SubjectKind.Account, userId));
        Assert.All([created, same, moved, granted, withdrawn, registered, linked, linkedOther, linkedAgain, deleted], token =>
        {
            Assert.DoesNotContain(userId, token, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(adId, token, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task A_read_of_the_setting_answers_no_token()
    {
        var userId = await server.CreateAccountAsync();
        using var user = server.User(userId);

        using var read = await user.GetAsync($"/api/v1/accounts/{userId}/partner-sharing");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(JsonNode.Parse(await read.Content.ReadAsStringAsync())!.AsObject().ContainsKey("consistencyToken"));
    }

    [Fact]
    public async Task A_write_s_token_is_taken_by_evaluate_batch_and_check()
    {
        var userId = "u-" + Guid.NewGuid().ToString("N");
        using var service = server.AccountService();
        var token = await BodyTokenAsync(await service.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"US","signedUpAt":"2021-03-01T00:00:00Z"}""")));
        using var proxy = server.Proxy();

        var evaluated = await EvaluateAsync(proxy, WithToken(Body("google", null, userId, null, ["ip_address"], null), token));
        using var batch = await proxy.PostAsync(new Uri(Batch, UriKind.Relative), Content(new JsonObject { ["requests"] = new JsonArray(WithToken(Body("google", null, userId, null, ["ip_address"], null), token)) }));
        using var check = await proxy.SendAsync(CheckRequest(HttpMethod.Get, Check, ("X-Consent-Partner", "google"), ("X-Consent-User", userId), ("X-Consent-Data", "ip_address"), (ConsentHeaders.AtLeastAsFresh, token)));

        Assert.True(evaluated.Value is not null, evaluated.Error);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Contains(check.StatusCode, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.Forbidden]);
        Assert.NotNull(CheckAnswer.Header(check, ConsentHeaders.Decision));
    }

    public static TheoryData<string> BadTokens() => ["malformed", "forged", "truncated"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_a_400_problem_on_every_evaluation_endpoint_and_the_question_without_it_is_answered(string kind)
    {
        var userId = await server.CreateAccountAsync("US");
        var good = server.Services.GetRequiredService<ConsistencyTokens>().Issue(SubjectKind.Account, userId, new SubjectVersion(1, 0));
        var (token, code) = kind switch
        {
            "malformed" => ("ct1.not-a-token", ProblemCodes.MalformedConsistencyToken),
            "truncated" => (good[..^3], ProblemCodes.MalformedConsistencyToken),
            _ => (AnotherGateway.Issue(SubjectKind.Account, userId, new SubjectVersion(1, 0)), ProblemCodes.ForgedConsistencyToken),
        };
        using var proxy = server.Proxy();
        var question = Body("google", null, userId, null, ["ip_address"], null);

        using var evaluated = await proxy.PostAsync(new Uri(Evaluate, UriKind.Relative), Content(WithToken(question.DeepClone().AsObject(), token)));
        using var batch = await proxy.PostAsync(new Uri(Batch, UriKind.Relative), Content(new JsonObject { ["requests"] = new JsonArray(question.DeepClone(), WithToken(question.DeepClone().AsObject(), token)) }));
        using var check = await proxy.SendAsync(CheckRequest(HttpMethod.Get, Check, ("X-Consent-Partner", "google"), ("X-Consent-User", userId), ("X-Consent-Data", "ip_address"), (ConsentHeaders.AtLeastAsFresh, token)));

        Assert.Equal(code, (await ProblemOfAsync(evaluated, "/evaluate")).Code);
        var batchProblem = await ProblemOfAsync(batch, "/evaluate/batch");
        Assert.Equal(code, batchProblem.Code);
        Assert.StartsWith("requests[1]:", batchProblem.Detail, StringComparison.Ordinal);
        Assert.Equal(code, (await ProblemOfAsync(check, "/check")).Code);
        Assert.Null(CheckAnswer.Header(check, ConsentHeaders.Decision));
        Assert.True((await EvaluateAsync(proxy, question)).Value is not null);
    }

    [Fact]
    public async Task An_empty_token_header_on_check_is_no_token_as_nginx_sends_for_a_caller_without_one()
    {
        using var proxy = server.Proxy();

        var answer = await SendRawAsync(server.BaseAddress, "GET", Check, [("X-Consent-Key", server.ProxyKey), ("X-Consent-Partner", "google"), ("X-Consent-User", "u-nobody"), ("X-Consent-Data", "ip_address"), (ConsentHeaders.AtLeastAsFresh, "")]);

        Assert.Equal((403, "deny"), (answer.Status, answer.Header(ConsentHeaders.Decision)));
    }

    private static readonly ConsistencyTokens AnotherGateway =
        new(Options.Create(new ConsistencyTokenOptions { Key = "another-gateway-s-token-key" }), NullLogger<ConsistencyTokens>.Instance);

    private static JsonObject WithToken(JsonObject body, string token)
    {
        body["consistency"] = new JsonObject { ["atLeastAsFresh"] = token };
        return body;
    }

    private static async Task<string> BodyTokenAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
            var token = JsonNode.Parse(text)!["consistencyToken"]?.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(token), $"no consistencyToken in {text}");
            return token!;
        }
    }

    private ConsistencyToken Read(string token)
    {
        var parsed = server.Services.GetRequiredService<ConsistencyTokens>().Parse(token);
        Assert.Null(parsed.Failure);
        return parsed.Value!;
    }

    private SubjectVersion? Demand(string token, SubjectKind kind, string subjectId) => Read(token).DemandFor(kind, subjectId);

    private static async Task<ProblemBody> ProblemOfAsync(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
    }
}
