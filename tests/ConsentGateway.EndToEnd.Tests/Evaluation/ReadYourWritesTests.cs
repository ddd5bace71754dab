using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using ConsentGateway.EndToEnd.Tests.Proxies;
using static ConsentGateway.EndToEnd.Tests.Evaluation.EvaluationApi;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>
/// Read-your-writes through the real self-host (SPEC §4): an evaluation that carries a write's
/// token, asked the moment the write is answered, reflects it or is a deny with
/// <c>STORE_UNAVAILABLE</c>; never the state before it, however warm the decision cache is.
/// </summary>
public class ReadYourWritesTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private const int Toggles = 100;

    [Fact]
    public async Task Each_of_100_toggles_evaluated_at_once_with_its_token_never_sees_the_previous_state()
    {
        // A US account: google may have its IP address exactly while the setting is enabled.
        var userId = await server.CreateAccountAsync("US", enabled: true);
        using var user = server.User(userId);
        using var proxy = server.Proxy();
        await Poll.UntilAsync(TimeSpan.FromSeconds(10), async () => (await AskAsync(proxy, userId, null, 0)).Decision == Decisions.Allow, () => "the new account is not allowed yet");

        for (var i = 1; i <= Toggles; i++)
        {
            var enabled = i % 2 == 0;
            using var changed = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json(enabled ? """{"enabled":true}""" : """{"enabled":false}"""));
            var token = (await changed.Content.ReadFromJsonAsync<SettingResponse>())!.ConsistencyToken!;

            // Each of the three endpoints in turn; the cache holds the previous state every time.
            var expected = enabled ? (Decisions.Allow, ReasonCodes.SettingEnabled) : (Decisions.Deny, ReasonCodes.SettingDisabled);
            Assert.Equal(expected, await FreshAsync(() => AskAsync(proxy, userId, token, i), $"toggle {i} to {enabled}"));
        }
    }

    [Fact]
    public async Task A_link_a_move_and_a_deletion_are_each_seen_by_the_next_evaluation_with_their_token()
    {
        // Signed up in the US before the cut-off, setting enabled: allowed until it moves to the EEA.
        var userId = await server.CreateAccountAsync("US", "2019-01-01T00:00:00Z", enabled: true);
        var adId = await server.RegisterDeviceAsync();
        using var service = server.AccountService();
        using var proxy = server.Proxy();
        await Poll.UntilAsync(TimeSpan.FromSeconds(10), async () => (await AskAsync(proxy, userId, null, 0)).Decision == Decisions.Allow, () => "the account is not allowed yet");
        // A registered device without an account: allowed before sign-up, and so cached.
        await Poll.UntilAsync(TimeSpan.FromSeconds(10), async () => First(await AskDeviceAsync(proxy, adId, null)) == (Decisions.Allow, ReasonCodes.BeforeSignup), () => "the device is not allowed before sign-up yet");

        using var moved = await service.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"DE","signedUpAt":"2019-01-01T00:00:00Z"}"""));
        var movedToken = JsonNode.Parse(await moved.Content.ReadAsStringAsync())!["consistencyToken"]!.GetValue<string>();
        Assert.Equal((Decisions.Deny, ReasonCodes.EeaUkSignupBeforeCutoff), await FreshAsync(() => AskAsync(proxy, userId, movedToken, 0), "the move"));

        using var linked = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null);
        var linkedToken = JsonNode.Parse(await linked.Content.ReadAsStringAsync())!["consistencyToken"]!.GetValue<string>();
        Assert.Equal((Decisions.Deny, ReasonCodes.EeaUkSignupBeforeCutoff), await FreshAsync(() => AskDeviceAsync(proxy, adId, linkedToken), "the link"));

        using var deleted = await service.DeleteAsync($"/api/v1/accounts/{userId}");
        var deletedToken = Assert.Single(deleted.Headers.GetValues(ConsentHeaders.ConsistencyToken));
        Assert.Equal((Decisions.Deny, ReasonCodes.UnknownAccount), await FreshAsync(() => AskAsync(proxy, userId, deletedToken, 0), "the deletion"));
    }

    /// <summary>
    /// The first answer that is not a <c>STORE_UNAVAILABLE</c> deny (what a token gets while its
    /// subject cannot be read fresh in time, e.g. on a loaded machine), asked again with the same
    /// token as a proxy would; its decision and first reason.
    /// </summary>
    private static async Task<(string Decision, string? Reason)> FreshAsync(Func<Task<(string Decision, IReadOnlyList<string> Reasons)>> ask, string what)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var answer = await ask();
            if (!answer.Reasons.Contains(ReasonCodes.StoreUnavailable))
            {
                return First(answer);
            }

            Assert.Equal(Decisions.Deny, answer.Decision);
            await Task.Delay(100);
        }

        Assert.Fail($"{what}: STORE_UNAVAILABLE 20 times in a row");
        return default;
    }

    private static (string Decision, string? Reason) First((string Decision, IReadOnlyList<string> Reasons) answer) =>
        (answer.Decision, answer.Reasons.Count > 0 ? answer.Reasons[0] : null);

    /// <summary>May google have the user's IP address? Through /evaluate, /evaluate/batch or /check (<paramref name="endpoint"/> mod 3).</summary>
    private static async Task<(string Decision, IReadOnlyList<string> Reasons)> AskAsync(HttpClient proxy, string userId, string? token, int endpoint)
    {
        var body = Body("google", null, userId, null, ["ip_address"], null);
        if (token is not null)
        {
            body["consistency"] = new JsonObject { ["atLeastAsFresh"] = token };
        }

        switch (endpoint % 3)
        {
            case 0:
                var one = await EvaluateAsync(proxy, body);
                Assert.True(one.Value is not null, one.Error);
                return (one.Value.Decision!, one.Value.Reasons!);
            case 1:
                using (var batch = await proxy.PostAsync(new Uri(Batch, UriKind.Relative), Content(new JsonObject { ["requests"] = new JsonArray(body) })))
                {
                    var text = await batch.Content.ReadAsStringAsync();
                    Assert.True(batch.StatusCode == HttpStatusCode.OK, text);
                    var result = JsonNode.Parse(text)!["results"]![0]!;
                    return (result["decision"]!.GetValue<string>(), [.. result["reasons"]!.AsArray().Select(r => r!.GetValue<string>())]);
                }

            default:
                using (var check = await proxy.SendAsync(CheckRequest(HttpMethod.Get, Check, ("X-Consent-Partner", "google"), ("X-Consent-User", userId), ("X-Consent-Data", "ip_address"), (ConsentHeaders.AtLeastAsFresh, token))))
                {
                    var answer = await CheckAnswer.ReadAsync(check);
                    Assert.True(answer.Decision is not null, answer.ToString());
                    return (answer.Decision, answer.Reasons);
                }
        }
    }

    private static async Task<(string Decision, IReadOnlyList<string> Reasons)> AskDeviceAsync(HttpClient proxy, string adId, string? token)
    {
        var body = Body("google", null, null, adId, ["ip_address"], null);
        if (token is not null)
        {
            body["consistency"] = new JsonObject { ["atLeastAsFresh"] = token };
        }

        var answer = await EvaluateAsync(proxy, body);
        Assert.True(answer.Value is not null, answer.Error);
        return (answer.Value.Decision!, answer.Value.Reasons!);
    }
}
