using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>The settings page open in a browser tab, as its user sees it, with every request the tab made.</summary>
internal sealed partial class SettingsPage
{
    public const string SwitchName = "Allow additional information sharing with business partners";

    private SettingsPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ConcurrentQueue<IRequest> Requests { get; } = new();

    public ILocator Switch => Page.GetByRole(AriaRole.Switch, new PageGetByRoleOptions { Name = SwitchName, Exact = true });

    public ILocator Status => Page.Locator("#status");

    /// <summary>The live region of errors (hidden while empty, so found by its id and role rather than in the accessibility tree).</summary>
    public ILocator Alert => Page.Locator("#alert[role=alert]");

    public ILocator Partnerships => Page.Locator("article[data-partnership]");

    /// <summary>Opens <c>/account/privacy</c> as an app links to it: the token in the fragment (none when null).</summary>
    public static async Task<SettingsPage> OpenAsync(HeadlessChromium chromium, Uri server, string? token)
    {
        var page = new SettingsPage(await chromium.NewPageAsync(width: 1000, height: 800));
        page.Page.Request += (_, request) => page.Requests.Enqueue(request);
        var url = new Uri(server, "/account/privacy") + (token is null ? string.Empty : "#access_token=" + token);
        await page.Page.GotoAsync(url);
        return page;
    }

    /// <summary>Waits until the setting is shown (the page has read the API).</summary>
    public async Task WaitForSettingAsync() => await Assertions.Expect(Switch).ToBeVisibleAsync();

    /// <summary>Waits for the page to say the last change is in effect.</summary>
    public async Task WaitForInEffectAsync() => await Assertions.Expect(Status).ToHaveTextAsync(InEffect());

    /// <summary>Records every text the status takes from now on (a MutationObserver in the page), so a test can see transient ones.</summary>
    public async Task RecordStatusAsync() => await Page.EvaluateAsync("""
        () => {
          const status = document.getElementById('status');
          window.statusSeen = [];
          new MutationObserver(() => window.statusSeen.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
        }
        """);

    public async Task<string[]> RecordedStatusAsync() => await Page.EvaluateAsync<string[]>("() => window.statusSeen");

    /// <summary>The effects as the page states them: partnership id → "Shared now" or "Not shared now".</summary>
    public async Task<Dictionary<string, string>> VerdictsAsync()
    {
        var verdicts = new Dictionary<string, string>();
        foreach (var partnership in await Partnerships.AllAsync())
        {
            verdicts[(await partnership.GetAttributeAsync("data-partnership"))!] = (await partnership.Locator(".verdict").TextContentAsync())!;
        }

        return verdicts;
    }

    /// <summary>The notice version the page says its texts are.</summary>
    public async Task<string> ShownNoticeVersionAsync()
    {
        var text = await Page.Locator("#effects").TextContentAsync();
        return NoticeVersion().Match(text!).Groups[1].Value;
    }

    [GeneratedRegex("^Saved — in effect")]
    private static partial Regex InEffect();

    [GeneratedRegex(@"These texts are version (\S+) of our privacy notice")]
    private static partial Regex NoticeVersion();
}
