using ConsentGateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>
/// The settings page inside an app's page, in an iframe: allowed only to the origins of
/// <c>Consent:SettingsPage:FrameAncestors</c>. The app is a Kestrel of its own on loopback, reached
/// as <c>localhost</c>: another origin than the gateway's <c>127.0.0.1</c>, in the same address
/// space, so the browser's local-network checks (which refuse a page served from nowhere) play no part.
/// </summary>
public class SettingsPageEmbeddingTests(GatewayServer server, HeadlessChromium chromium) : IClassFixture<GatewayServer>, IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task An_app_of_frame_ancestors_embeds_the_page_and_hands_it_a_fresh_token_through_the_fragment()
    {
        string? frameSource = null;
        await using var app = await StartAppAsync(() => frameSource!);
        var embeddable = new GatewayServer { ExtraArguments = ["--Consent:SettingsPage:FrameAncestors", Origin(app)] };
        await embeddable.InitializeAsync();
        try
        {
            var userId = await embeddable.CreateAccountAsync("DE", "2021-03-01T00:00:00Z");
            frameSource = new Uri(embeddable.BaseAddress, "/account/privacy") + "#access_token=" + embeddable.ExpiredUserToken(userId);
            var page = await chromium.NewPageAsync();
            await page.GotoAsync(Origin(app));
            var settings = page.FrameLocator("iframe");
            await Assertions.Expect(settings.Locator("#alert[role=alert]")).ToContainTextAsync("Your sign-in for this page has expired or is not valid.");

            // The app signs in again and changes only the fragment: the page reads it without reloading.
            await page.EvaluateAsync("token => { const frame = document.querySelector('iframe'); frame.src = frame.src.split('#')[0] + '#access_token=' + token; }", embeddable.Token(userId, Scopes.User));
            var toggle = settings.GetByRole(AriaRole.Switch, new FrameLocatorGetByRoleOptions { Name = SettingsPage.SwitchName, Exact = true });
            await Assertions.Expect(toggle).ToBeVisibleAsync();
            await Assertions.Expect(settings.Locator("#alert[role=alert]")).ToBeEmptyAsync();
            await Assertions.Expect(toggle).Not.ToBeCheckedAsync();
            Assert.DoesNotContain('#', page.Frames.Single(frame => frame != page.MainFrame).Url);
            await HeadlessChromium.ScreenshotAsync(page, "settings-page", "embedded");
        }
        finally
        {
            await embeddable.DisposeAsync();
        }
    }

    [Fact]
    public async Task By_default_no_app_may_frame_the_page()
    {
        var userId = await server.CreateAccountAsync("DE", "2021-03-01T00:00:00Z");
        var frameSource = new Uri(server.BaseAddress, "/account/privacy") + "#access_token=" + server.Token(userId, Scopes.User);
        await using var app = await StartAppAsync(() => frameSource);
        var page = await chromium.NewPageAsync();
        var refused = new TaskCompletionSource<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("frame-ancestors", StringComparison.Ordinal))
            {
                refused.TrySetResult(message.Text);
            }
        };
        await page.GotoAsync(Origin(app));

        // The browser fetched the page, then refused to show it in the frame.
        Assert.Contains("frame-ancestors 'none'", await refused.Task.WaitAsync(TimeSpan.FromMilliseconds(HeadlessChromium.AnswerTimeoutMs)), StringComparison.Ordinal);
        await Assertions.Expect(page.FrameLocator("iframe").Locator("#sharing")).ToHaveCountAsync(0);
    }

    private static string Origin(WebApplication app) => "http://localhost:" + new Uri(app.Urls.Single()).Port;

    /// <summary>An app's page with the settings page in an iframe of the given source.</summary>
    private static async Task<WebApplication> StartAppAsync(Func<string> frameSource)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content($"""<!doctype html><html lang="en"><title>An app</title><iframe title="Privacy settings" src="{frameSource()}" width="900" height="800"></iframe></html>""", "text/html"));
        await app.StartAsync();
        return app;
    }
}
