using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using ConsentGateway.EndToEnd.Tests.Evaluation;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests.Effects;

/// <summary>
/// What the setting does for me, receipts and the export (SPEC §4), through real Kestrel on the
/// self-host's SQLite store: who may read them, what they hold, and bad input that changes nothing.
/// </summary>
public class EffectsApiTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_effects_of_an_eea_account_say_what_evaluate_answers_and_follow_a_change_once_it_is_in_effect()
    {
        var userId = await server.CreateAccountAsync("DE");
        using var user = server.User(userId);

        var before = await WaitForEffectsAsync(user, userId, e => e.Setting.InEffect);
        Assert.Equal((userId, "2020-04-06", "2020-04-06", "DE", "EEA_UK"), (before.UserId, before.PolicyVersion, before.NoticeVersion, before.Country, before.Region));
        Assert.Equal(new EffectsSettingResponse(false, true, 0, true), before.Setting);
        var ads = before.Partnerships.Single(p => p.Id == "ad-platforms");
        Assert.Equal((true, EffectValues.NotAllowed, "SETTING_DISABLED", EffectValues.Allow), (ads.GovernedBySetting, ads.Sharing, ads.Reason, ads.BeforeSignup));
        Assert.Equal(["Google", "Facebook"], ads.Partners.Select(p => p.Name));
        Assert.Equal(["IP address", "Mobile device advertising identifier"], ads.Data.Select(d => d.Label));
        Assert.Equal(HttpStatusCode.Forbidden, await server.CheckGoogleIpAsync(userId));

        using (var changed = await user.PutAsync(Setting(userId), Json("""{"enabled":true,"noticeVersion":"2020-04-06"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        var after = await WaitForEffectsAsync(user, userId, e => e.Setting.InEffect);
        Assert.Equal(new EffectsSettingResponse(true, false, 1, true), after.Setting);
        Assert.All(after.Partnerships, p => Assert.Equal((EffectValues.Allowed, "SETTING_ENABLED"), (p.Sharing, p.Reason)));
        Assert.StartsWith("Your setting is on", after.Partnerships[0].Explanation, StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();
        while (await server.CheckGoogleIpAsync(userId) != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < Deadline, "decisions never followed the change the effects say is in effect");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    [Theory]
    [InlineData("partner-sharing/effects")]
    [InlineData("export")]
    public async Task An_unknown_or_deleted_account_is_404_and_a_bad_id_400(string route)
    {
        using var service = server.AccountService();
        var deleted = await server.CreateAccountAsync();
        using (var deletion = await service.DeleteAsync($"/api/v1/accounts/{deleted}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deletion.StatusCode);
        }

        foreach (var (userId, status, code) in new[]
        {
            ("nobody-" + Guid.NewGuid().ToString("N"), HttpStatusCode.NotFound, ProblemCodes.AccountNotFound),
            (deleted, HttpStatusCode.NotFound, ProblemCodes.AccountNotFound),
            ("-starts-with-a-dash", HttpStatusCode.BadRequest, ProblemCodes.InvalidUserId),
        })
        {
            using var response = await service.GetAsync($"/api/v1/accounts/{userId}/{route}");
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, (await EvaluationApi.ReadProblemAsync(response, $"GET {route} of {userId}")).Code);
        }
    }

    [Fact]
    public async Task Every_accepted_change_answers_a_receipt_that_the_history_keeps_with_the_notice_version()
    {
        var userId = await server.CreateAccountAsync("FR");
        using var user = server.User(userId);

        using var granted = await user.PutAsync(Setting(userId), Json("""{"enabled":true,"noticeVersion":"2020-04-06"}"""));
        using var withdrawn = await user.PutAsync(Setting(userId), Json("""{"enabled":false}"""));

        var grantedText = await granted.Content.ReadAsStringAsync();
        var withdrawnText = await withdrawn.Content.ReadAsStringAsync();
        var grant = JsonNode.Parse(grantedText)!;
        var withdrawal = JsonNode.Parse(withdrawnText)!;
        Assert.True(Guid.TryParseExact((string?)grant["receiptId"], "D", out var first), grantedText);
        Assert.True(Guid.TryParseExact((string?)withdrawal["receiptId"], "D", out var second), withdrawnText);
        Assert.NotEqual(first, second);
        Assert.Equal("2020-04-06", (string?)grant["noticeVersion"]);
        Assert.False(withdrawal.AsObject().ContainsKey("noticeVersion"), withdrawnText);

        var history = await server.HistoryAsync(userId);
        Assert.Equal([(1L, (Guid?)first, "2020-04-06"), (2L, second, null)], history.Changes.Select(c => (c.Version, c.ReceiptId, c.NoticeVersion)));

        // A read of the setting is no change: no receipt.
        using var read = await user.GetAsync(Setting(userId));
        Assert.DoesNotContain("receiptId", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"enabled":true,"noticeVersion":""}""", ProblemCodes.InvalidNoticeVersion)]
    [InlineData("""{"enabled":true,"noticeVersion":"2020 04 06"}""", ProblemCodes.InvalidNoticeVersion)]
    [InlineData("""{"enabled":true,"noticeVersion":"../etc/passwd"}""", ProblemCodes.InvalidNoticeVersion)]
    [InlineData("""{"enabled":true,"noticeVersion":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", ProblemCodes.InvalidNoticeVersion)]
    [InlineData("""{"enabled":true,"noticeVersion":20200406}""", ProblemCodes.MalformedJson)]
    [InlineData("""{"enabled":true,"noticeVersion":["2020-04-06"]}""", ProblemCodes.MalformedJson)]
    public async Task A_bad_notice_version_is_a_400_problem_that_changes_nothing(string body, string code)
    {
        var userId = await server.CreateAccountAsync("DE", enabled: false);
        using var user = server.User(userId);
        var before = await server.SnapshotSourceAsync();

        using var response = await user.PutAsync(Setting(userId), Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await EvaluationApi.ReadProblemAsync(response, body)).Code);
        Assert.Equal(before, await server.SnapshotSourceAsync());
        Assert.Single((await server.HistoryAsync(userId)).Changes);
    }

    [Fact]
    public async Task The_export_is_an_attachment_with_the_facts_the_setting_the_history_with_receipts_the_effects_and_the_devices()
    {
        var userId = await server.CreateAccountAsync("US", "2019-07-01T00:00:00Z");
        using var user = server.User(userId);
        using (var changed = await user.PutAsync(Setting(userId), Json("""{"enabled":false,"noticeVersion":"2020-04-06"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        var devices = new[] { await server.RegisterDeviceAsync(userId), await server.RegisterDeviceAsync(userId) };
        var effects = await WaitForEffectsAsync(user, userId, e => e.Setting.InEffect);

        using var response = await user.GetAsync($"/api/v1/accounts/{userId}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("consent-export.json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var export = (await response.Content.ReadFromJsonAsync<ExportResponse>())!;
        Assert.Equal(userId, export.UserId);
        Assert.Equal(new ExportAccountResponse("US", new DateTime(2019, 7, 1, 0, 0, 0, DateTimeKind.Utc)), export.Account);
        Assert.Equal((false, false, 1L), (export.Setting.Enabled, export.Setting.IsDefault, export.Setting.Version));
        Assert.Equal((await server.HistoryAsync(userId)).Changes, export.History);
        Assert.NotNull(Assert.Single(export.History).ReceiptId);
        Assert.Equal(devices.Order(StringComparer.Ordinal), export.Devices.Select(d => d.AdId));
        Assert.True(Math.Abs((DateTime.UtcNow - export.ExportedAt).TotalMinutes) < 10, $"exportedAt {export.ExportedAt:O}");

        // The effects inside are the effects answer.
        Assert.Equal((effects.Region, effects.Setting), (export.Effects.Region, export.Effects.Setting));
        Assert.Equal(effects.Partnerships.Select(p => (p.Id, p.Sharing, p.Reason, p.Explanation)), export.Effects.Partnerships.Select(p => (p.Id, p.Sharing, p.Reason, p.Explanation)));
        Assert.Equal(("*", "SETTING_NOT_APPLICABLE_IN_REGION"), (export.Effects.Region, export.Effects.Partnerships.Single(p => p.Id == "app-campaign-measurement").Reason));
    }

    [Fact]
    public async Task A_user_with_400_linked_devices_exports_every_one()
    {
        const int count = 400;
        var userId = await server.CreateAccountAsync();
        using var service = server.AccountService();
        var devices = Enumerable.Range(0, count).Select(i => $"dev-{i:D3}-{Guid.NewGuid():N}").ToList();
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (adId, ct) =>
        {
            using var linked = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null, ct);
            Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
        });

        using var user = server.User(userId);
        var export = (await user.GetFromJsonAsync<ExportResponse>($"/api/v1/accounts/{userId}/export"))!;

        Assert.Equal(devices.Order(StringComparer.Ordinal), export.Devices.Select(d => d.AdId));
    }

    [Fact]
    public async Task A_history_of_many_changes_comes_back_whole_in_order_with_a_distinct_receipt_each()
    {
        const int changes = 300;
        var userId = await server.CreateAccountAsync();
        using var user = server.User(userId);
        var receipts = new List<Guid>();
        for (var i = 1; i <= changes; i++)
        {
            using var response = await user.PutAsync(Setting(userId), Json(i % 2 == 0 ? """{"enabled":false}""" : """{"enabled":true,"noticeVersion":"2020-04-06"}"""));
            receipts.Add((await response.Content.ReadFromJsonAsync<SettingResponse>())!.ReceiptId!.Value);
        }

        var export = (await user.GetFromJsonAsync<ExportResponse>($"/api/v1/accounts/{userId}/export"))!;

        Assert.Equal(Enumerable.Range(1, changes).Select(v => (long)v), export.History.Select(c => c.Version));
        Assert.Equal(receipts, export.History.Select(c => c.ReceiptId!.Value));
        Assert.Equal(changes, receipts.Distinct().Count());
        Assert.All(export.History, c => Assert.Equal(c.Version % 2 == 1 ? "2020-04-06" : null, c.NoticeVersion));
        Assert.Equal(changes, export.Setting.Version);
    }

    private static string Setting(string userId) => $"/api/v1/accounts/{userId}/partner-sharing";

    /// <summary>Reads the effects until <paramref name="done"/> holds (propagation is asynchronous) or the deadline passes.</summary>
    private static async Task<EffectsResponse> WaitForEffectsAsync(HttpClient client, string userId, Func<EffectsResponse, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var effects = (await client.GetFromJsonAsync<EffectsResponse>($"/api/v1/accounts/{userId}/partner-sharing/effects"))!;
            if (done(effects) || clock.Elapsed > Deadline)
            {
                return effects;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
