using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.Playwright;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>
/// The settings page (<c>/account/privacy</c>) in a real browser against the real self-host: a user
/// opens it from an app with a token in the fragment, switches by mouse and by keyboard, and what
/// the page says is what the API recorded and what proxies are answered. Every state is checked
/// with axe-core and written as a screenshot to <c>screenshots/settings-page/</c> in the test output.
/// </summary>
public partial class SettingsPageTests(GatewayServer server, HeadlessChromium chromium) : IClassFixture<GatewayServer>, IClassFixture<HeadlessChromium>
{
    private const string Screenshots = "settings-page";
    private const string SignedUpAfterCutoff = "2021-03-01T00:00:00Z";

    [Theory]
    [InlineData("eea-before-cutoff", "DE", "2019-05-01T00:00:00Z")]
    [InlineData("eea-after-cutoff", "FR", SignedUpAfterCutoff)]
    [InlineData("us", "US", SignedUpAfterCutoff)]
    public async Task A_user_switches_by_mouse_and_by_keyboard_and_the_page_says_what_the_api_recorded_and_evaluate_answers(string account, string country, string signedUpAt)
    {
        var userId = "u-" + Guid.NewGuid().ToString("N");
        AccountResponse registered;
        using (var service = server.AccountService())
        using (var response = await service.PutAsync($"/api/v1/accounts/{userId}", GatewayServer.Json($$"""{"country":"{{country}}","signedUpAt":"{{signedUpAt}}"}""")))
        {
            registered = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<AccountResponse>())!;
        }

        var token = server.Token(userId, Scopes.User);
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, token);
        await page.WaitForSettingAsync();

        // The region's default, from the store, once decisions know the new account; the token is gone from the address bar and was stored nowhere.
        var enabled = country == "US";
        await Assertions.Expect(page.Switch).ToBeCheckedAsync(new LocatorAssertionsToBeCheckedOptions { Checked = enabled });
        await Assertions.Expect(page.Status).ToHaveTextAsync(new Regex("^In effect"));
        await AssertTokenKeptInMemoryOnlyAsync(page, token);
        await AssertAgreesWithEvaluateAsync(page, userId, registered.ConsistencyToken);
        await CheckStateAsync(page, account + "-loaded");

        // By mouse.
        await page.RecordStatusAsync();
        var first = await SaveAsync(page, () => page.Switch.ClickAsync());
        await page.WaitForInEffectAsync();
        enabled = !enabled;
        await Assertions.Expect(page.Switch).ToBeCheckedAsync(new LocatorAssertionsToBeCheckedOptions { Checked = enabled });
        var seen = await page.RecordedStatusAsync();
        Assert.True(Array.IndexOf(seen, "Saved — applying…") is >= 0 and var applying && applying < Array.FindIndex(seen, text => text.StartsWith("Saved — in effect", StringComparison.Ordinal)), "Statuses: " + string.Join(" | ", seen));
        await AssertRecordedAsync(page, userId, first, changes: 1, enabled);
        await AssertAgreesWithEvaluateAsync(page, userId, first.ConsistencyToken);
        await CheckStateAsync(page, account + "-in-effect");

        // By keyboard: from the page's heading (where a click leaves the focus starting point) the switch is the first stop, and Space toggles it.
        await page.Page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Level = 1 }).ClickAsync();
        await Assertions.Expect(page.Switch).Not.ToBeFocusedAsync();
        await page.Page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Switch).ToBeFocusedAsync();
        var second = await SaveAsync(page, () => page.Page.Keyboard.PressAsync("Space"));
        await page.WaitForInEffectAsync();
        enabled = !enabled;
        await Assertions.Expect(page.Switch).ToBeCheckedAsync(new LocatorAssertionsToBeCheckedOptions { Checked = enabled });
        await AssertRecordedAsync(page, userId, second, changes: 2, enabled);
        await AssertAgreesWithEvaluateAsync(page, userId, second.ConsistencyToken);
        await CheckStateAsync(page, account + "-switched-back");
    }

    [Theory]
    [InlineData("expired-token", "Your sign-in for this page has expired or is not valid.")]
    [InlineData("forged-token", "Your sign-in for this page has expired or is not valid.")]
    [InlineData("token-without-scope", "Your sign-in does not let this page show these settings.")]
    [InlineData("unknown-account", "Your settings could not be loaded: no account was found for your sign-in.")]
    public async Task A_token_the_api_refuses_is_told_to_go_back_to_the_app_and_changes_nothing(string kind, string told)
    {
        var userId = await server.CreateAccountAsync("DE", SignedUpAfterCutoff);
        var token = kind switch
        {
            "expired-token" => server.ExpiredUserToken(userId),
            "forged-token" => DevTokens.Create(new AuthOptions { Issuer = GatewayServer.Issuer, Audience = GatewayServer.Audience, SigningKey = new string('x', 48) }, userId, [Scopes.User], TimeSpan.FromMinutes(10)),
            "token-without-scope" => server.Token(userId),
            _ => server.Token("nobody-" + Guid.NewGuid().ToString("N"), Scopes.User),
        };
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, token);

        await Assertions.Expect(page.Alert).ToContainTextAsync(told);
        await Assertions.Expect(page.Alert).ToContainTextAsync("Go back to the app and open your privacy settings again.");
        await Assertions.Expect(page.Switch).ToBeHiddenAsync();
        Assert.DoesNotContain(page.Requests, request => request.Method != "GET");
        Assert.Empty((await server.HistoryAsync(userId)).Changes);
        await CheckStateAsync(page, kind);
    }

    [Fact]
    public async Task Without_a_token_the_page_asks_to_be_opened_from_the_app_and_calls_nothing()
    {
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, token: null);

        await Assertions.Expect(page.Alert).ToContainTextAsync("This page needs your sign-in from the app.");
        Assert.DoesNotContain(page.Requests, request => request.Url.Contains("/api/", StringComparison.Ordinal));
        await CheckStateAsync(page, "no-token");
    }

    [Fact]
    public async Task A_change_made_elsewhere_while_the_page_is_open_is_a_412_the_page_reloads_it_and_a_retry_applies()
    {
        var userId = await server.CreateAccountAsync("DE", SignedUpAfterCutoff);
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, server.Token(userId, Scopes.User));
        await page.WaitForSettingAsync();
        await Assertions.Expect(page.Switch).Not.ToBeCheckedAsync();

        // The app turns it on while the page still shows version 0, off.
        using (var app = server.User(userId))
        using (var elsewhere = await app.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", GatewayServer.Json("""{"enabled":true}""")))
        {
            elsewhere.EnsureSuccessStatusCode();
        }

        var refused = await page.Page.RunAndWaitForResponseAsync(() => page.Switch.ClickAsync(), response => response.Request.Method == "PUT");
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, refused.Status);
        await Assertions.Expect(page.Alert).ToContainTextAsync("Your setting was changed somewhere else");
        await Assertions.Expect(page.Alert).ToContainTextAsync("If you still want to change it, use the switch again.");
        await Assertions.Expect(page.Switch).ToBeCheckedAsync();
        await CheckStateAsync(page, "changed-elsewhere");

        var retried = await SaveAsync(page, () => page.Switch.ClickAsync());
        await page.WaitForInEffectAsync();
        await Assertions.Expect(page.Alert).ToBeEmptyAsync();
        await Assertions.Expect(page.Switch).Not.ToBeCheckedAsync();
        await AssertRecordedAsync(page, userId, retried, changes: 2, enabled: false);
    }

    [Theory]
    [InlineData("store-unavailable")]
    [InlineData("network-down")]
    public async Task A_change_that_is_not_saved_says_so_returns_the_switch_to_the_stored_state_and_a_retry_applies(string fault)
    {
        var userId = await server.CreateAccountAsync("DE", SignedUpAfterCutoff);
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, server.Token(userId, Scopes.User));
        await page.WaitForSettingAsync();

        // The browser's network answers the change as a store outage does (503 store-unavailable), or drops it.
        var settingUrl = new Uri(server.BaseAddress, $"/api/v1/accounts/{userId}/partner-sharing").ToString();
        await page.Page.RouteAsync(settingUrl, route => route.Request.Method != "PUT"
            ? route.ContinueAsync()
            : fault == "network-down"
                ? route.AbortAsync("connectionrefused")
                : route.FulfillAsync(new RouteFulfillOptions
                {
                    Status = 503,
                    ContentType = "application/problem+json",
                    Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    Body = """{"type":"https://consent-gateway.example/problems/store-unavailable","title":"The store is unavailable.","status":503,"code":"store-unavailable"}""",
                }));

        await page.Switch.ClickAsync();
        await Assertions.Expect(page.Alert).ToContainTextAsync(fault == "network-down" ? "Your change was not saved (the service could not be reached)." : "Your change was not saved (the service is not available right now).");
        await Assertions.Expect(page.Alert).ToContainTextAsync("Your setting is still off.");
        await Assertions.Expect(page.Alert).ToContainTextAsync("Try again with the switch in a moment.");
        await Assertions.Expect(page.Switch).Not.ToBeCheckedAsync();
        Assert.Empty((await server.HistoryAsync(userId)).Changes);
        await CheckStateAsync(page, fault);

        await page.Page.UnrouteAsync(settingUrl);
        var retried = await SaveAsync(page, () => page.Switch.ClickAsync());
        await page.WaitForInEffectAsync();
        await AssertRecordedAsync(page, userId, retried, changes: 1, enabled: true);
    }

    [Fact]
    public async Task The_page_fetches_only_from_its_own_origin_under_its_policy_which_blocks_injected_script()
    {
        var userId = await server.CreateAccountAsync("GB", SignedUpAfterCutoff);
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, server.Token(userId, Scopes.User));
        await page.WaitForSettingAsync();

        var document = Assert.Single(page.Requests, request => request.ResourceType == "document");
        var headers = await (await document.ResponseAsync())!.AllHeadersAsync();
        Assert.StartsWith("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.All(page.Requests, request => Assert.Equal(server.BaseAddress.GetLeftPart(UriPartial.Authority), new Uri(request.Url).GetLeftPart(UriPartial.Authority)));
        Assert.Contains(page.Requests, request => request.Url.EndsWith("/partner-sharing/history", StringComparison.Ordinal));

        // Script written into the page, as an injection would be, is refused by the policy and never runs.
        var violated = await page.Page.EvaluateAsync<string>("""
            () => new Promise(resolve => {
              document.addEventListener('securitypolicyviolation', event => resolve(event.effectiveDirective), { once: true });
              try {
                const script = document.createElement('script');
                script.textContent = 'window.injected = true';
                document.body.append(script);
              } catch {
                // Trusted Types refuse the string before the script element's own check.
              }
            })
            """);
        Assert.Contains(violated, (string[])["require-trusted-types-for", "script-src-elem"]);
        Assert.False(await page.Page.EvaluateAsync<bool>("() => window.injected === true"));
    }

    [Fact]
    public async Task The_export_downloads_through_a_blob_url_under_the_page_policy()
    {
        var userId = await server.CreateAccountAsync("DE", SignedUpAfterCutoff, enabled: true);
        var page = await SettingsPage.OpenAsync(chromium, server.BaseAddress, server.Token(userId, Scopes.User));
        await page.WaitForSettingAsync();

        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Download my data (JSON)" }).ClickAsync());
        Assert.Equal("consent-export.json", download.SuggestedFilename);
        Assert.StartsWith("blob:" + server.BaseAddress.GetLeftPart(UriPartial.Authority), download.Url, StringComparison.Ordinal);
        using var exported = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        Assert.Equal(userId, exported.RootElement.GetProperty("userId").GetString());
        Assert.Single(exported.RootElement.GetProperty("history").EnumerateArray());
        await Assertions.Expect(page.Page.Locator("#export-status")).ToHaveTextAsync("Your data was downloaded as consent-export.json.");
        await CheckStateAsync(page, "exported");
    }

    private static async Task<SavedChange> SaveAsync(SettingsPage page, Func<Task> toggle)
    {
        var response = await page.Page.RunAndWaitForResponseAsync(toggle, response => response.Request.Method == "PUT");
        Assert.Equal((int)HttpStatusCode.OK, response.Status);
        var sent = JsonDocument.Parse(response.Request.PostData!).RootElement;
        var answer = (await response.JsonAsync())!.Value;
        return new SavedChange(
            sent.TryGetProperty("noticeVersion", out var notice) ? notice.GetString() : null,
            response.Request.Headers["if-match"],
            answer.GetProperty("receiptId").GetString()!,
            answer.GetProperty("consistencyToken").GetString()!);
    }

    /// <summary>The history has the change with the receipt the page got and the notice version of the texts it showed; the page lists the receipt.</summary>
    private async Task AssertRecordedAsync(SettingsPage page, string userId, SavedChange saved, int changes, bool enabled)
    {
        var shownVersion = await page.ShownNoticeVersionAsync();
        Assert.Equal(shownVersion, saved.NoticeVersion);
        Assert.Matches(ETagPattern(), saved.IfMatch);

        using var service = server.AccountService();
        var history = (await service.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{userId}/partner-sharing/history")).GetProperty("changes");
        Assert.Equal(changes, history.GetArrayLength());
        var last = history[changes - 1];
        Assert.Equal((enabled, "user", saved.ReceiptId, shownVersion), (last.GetProperty("enabled").GetBoolean(), last.GetProperty("channel").GetString(), last.GetProperty("receiptId").GetString(), last.GetProperty("noticeVersion").GetString()));
        await Assertions.Expect(page.Page.Locator("#history li").First).ToContainTextAsync(saved.ReceiptId);
    }

    /// <summary>
    /// Every partnership the effects list is on the page, and for each of its partners /evaluate
    /// (as a proxy, with every data item of the partnership) answers what the page says: allow for
    /// "Shared now", deny for "Not shared now".
    /// </summary>
    private async Task AssertAgreesWithEvaluateAsync(SettingsPage page, string userId, string? consistencyToken)
    {
        var verdicts = await page.VerdictsAsync();
        using var user = server.User(userId);
        var effects = await user.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{userId}/partner-sharing/effects");
        var partnerships = effects.GetProperty("partnerships").EnumerateArray().ToList();
        Assert.Equal(partnerships.Select(p => p.GetProperty("id").GetString()).Order(), verdicts.Keys.Order());

        using var proxy = server.Proxy();
        var asked = 0;
        foreach (var partnership in partnerships)
        {
            var verdict = verdicts[partnership.GetProperty("id").GetString()!];
            var data = partnership.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("id").GetString()).ToArray();
            foreach (var partner in partnership.GetProperty("partners").EnumerateArray())
            {
                var question = new Dictionary<string, object?>
                {
                    ["partner"] = partner.GetProperty("id").GetString(),
                    ["subject"] = new Dictionary<string, string> { ["userId"] = userId },
                    ["data"] = data,
                    ["consistency"] = consistencyToken is null ? null : new Dictionary<string, string> { ["atLeastAsFresh"] = consistencyToken },
                };
                using var answer = await proxy.PostAsJsonAsync("/api/v1/evaluate", question);
                answer.EnsureSuccessStatusCode();
                var decision = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decision").GetString();
                Assert.Equal(verdict == "Shared now" ? "allow" : "deny", decision);
                asked++;
            }
        }

        Assert.True(asked > 0, "No partnership of the page named a partner to ask /evaluate about.");
    }

    private static async Task AssertTokenKeptInMemoryOnlyAsync(SettingsPage page, string token)
    {
        Assert.DoesNotContain('#', page.Page.Url);
        Assert.Equal("[[],[],\"\"]", await page.Page.EvaluateAsync<string>("() => JSON.stringify([Object.keys(localStorage), Object.keys(sessionStorage), document.cookie])"));
        Assert.Empty(await page.Page.Context.CookiesAsync());
        Assert.DoesNotContain(token, await page.Page.EvaluateAsync<string>("() => location.href + JSON.stringify(history.state)"), StringComparison.Ordinal);
    }

    private static async Task CheckStateAsync(SettingsPage page, string state)
    {
        await HeadlessChromium.ScreenshotAsync(page.Page, Screenshots, state);
        await Axe.AssertNoSeriousViolationsAsync(page.Page, state);
    }

    [GeneratedRegex("^\"[0-9]+\"$")]
    private static partial Regex ETagPattern();

    private sealed record SavedChange(string? NoticeVersion, string IfMatch, string ReceiptId, string ConsistencyToken);
}
